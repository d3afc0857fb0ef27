// Validation of payloads at every boundary: unknown fields are refused, text that no store can
// keep (NUL characters, lone surrogates) is refused, and errors name the path and the reason but
// never echo the value.
import type { z } from 'zod';
import { ErrorCode, GardienError, type ErrorDetail } from './errors.js';
import { findUnsafeText } from './unsafe-text.js';

/** Keys of records and maps come from the input (an email used as a key, say): only our own field names are echoed. */
function safeSegment(segment: PropertyKey): string {
  if (typeof segment === 'number') return String(segment);
  return typeof segment === 'string' && /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(segment) ? segment : '*';
}

/** `where.a.0.*`: a place in a value, in the words of error details. */
export function detailPath(where: string, path: readonly PropertyKey[]): string {
  return [where, ...path.map(safeSegment)].join('.');
}

function invalid(details: ErrorDetail[]): GardienError {
  return new GardienError(ErrorCode.ValidationFailed, 'the request is not valid', details);
}

export function parsePayload<S extends z.ZodType>(schema: S, value: unknown, where = 'payload'): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw invalid(result.error.issues.slice(0, 20).map((issue) => ({ path: detailPath(where, issue.path), reason: issue.code })));
  }
  // On what the schema kept: it is never larger than the input, and its strings are the ones stored.
  const unsafe = findUnsafeText(result.data);
  if (unsafe) throw invalid([{ path: detailPath(where, unsafe.path), reason: unsafe.reason }]);
  return result.data;
}
