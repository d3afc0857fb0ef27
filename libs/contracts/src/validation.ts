// Validation of payloads at every boundary: unknown fields are refused, and errors name
// the path and the reason but never echo the value.
import type { z } from 'zod';
import { ErrorCode, GardienError, type ErrorDetail } from './errors.js';

export function parsePayload<S extends z.ZodType>(schema: S, value: unknown, where = 'payload'): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details: ErrorDetail[] = result.error.issues.slice(0, 20).map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    reason: issue.code,
  }));
  throw new GardienError(ErrorCode.ValidationFailed, 'the request is not valid', details);
}
