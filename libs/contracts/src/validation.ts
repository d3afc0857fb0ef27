// Validation of payloads at every boundary: unknown fields are refused, and errors name
// the path and the reason but never echo the value.
import type { z } from 'zod';
import { ErrorCode, GardienError, type ErrorDetail } from './errors.js';

/** Keys of records and maps come from the input (an email used as a key, say): only our own field names are echoed. */
function safeSegment(segment: PropertyKey): string {
  if (typeof segment === 'number') return String(segment);
  return typeof segment === 'string' && /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(segment) ? segment : '*';
}

export function parsePayload<S extends z.ZodType>(schema: S, value: unknown, where = 'payload'): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details: ErrorDetail[] = result.error.issues.slice(0, 20).map((issue) => ({
    path: [where, ...issue.path.map(safeSegment)].join('.'),
    reason: issue.code,
  }));
  throw new GardienError(ErrorCode.ValidationFailed, 'the request is not valid', details);
}
