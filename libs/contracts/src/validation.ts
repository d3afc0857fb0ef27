// Validation of payloads at every boundary: unknown fields are refused, text that no store can
// keep (NUL characters, lone surrogates) is refused, and errors name the path and the reason but
// never echo the value.
import type { z } from 'zod';
import { ErrorCode, GardienError, type ErrorDetail } from './errors.js';
import { findUnsafeText } from './unsafe-text.js';

/** Every field name a schema declares, at any depth (inside arrays, unions, optionals, pipes, lazies). */
export function fieldNamesOf(schema: z.ZodType): ReadonlySet<string> {
  const known = FIELD_NAMES.get(schema);
  if (known) return known;
  const names = new Set<string>();
  collectFieldNames(schema, names, new Set());
  FIELD_NAMES.set(schema, names);
  return names;
}

const FIELD_NAMES = new WeakMap<z.ZodType, ReadonlySet<string>>();

function collectFieldNames(node: unknown, names: Set<string>, seen: Set<unknown>): void {
  if (typeof node !== 'object' || node === null || seen.has(node)) return;
  seen.add(node);
  const def = (node as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
  if (!def) return;
  if (def.type === 'object') {
    for (const [name, inner] of Object.entries(def.shape as Record<string, unknown>)) {
      names.add(name);
      collectFieldNames(inner, names, seen);
    }
  }
  if (def.type === 'lazy') collectFieldNames((def.getter as () => unknown)(), names, seen);
  for (const value of Object.values(def)) {
    for (const inner of Array.isArray(value) ? value : [value]) collectFieldNames(inner, names, seen);
  }
}

/**
 * Keys of records and maps come from the input (an email used as a key, a name shaped like an
 * identifier), and so do unknown fields: only the field names of our own schemas are echoed.
 */
function safeSegment(segment: PropertyKey, fieldNames: ReadonlySet<string>): string {
  if (typeof segment === 'number') return String(segment);
  return typeof segment === 'string' && fieldNames.has(segment) ? segment : '*';
}

/** `where.a.0.*`: a place in a value, in the words of error details; a key not in `fieldNames` is `*`. */
export function detailPath(where: string, path: readonly PropertyKey[], fieldNames: ReadonlySet<string>): string {
  return [where, ...path.map((segment) => safeSegment(segment, fieldNames))].join('.');
}

function invalid(details: ErrorDetail[]): GardienError {
  return new GardienError(ErrorCode.ValidationFailed, 'the request is not valid', details);
}

export function parsePayload<S extends z.ZodType>(schema: S, value: unknown, where = 'payload'): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const fieldNames = fieldNamesOf(schema);
    throw invalid(result.error.issues.slice(0, 20).map((issue) => ({ path: detailPath(where, issue.path, fieldNames), reason: issue.code })));
  }
  // On what the schema kept: it is never larger than the input, and its strings are the ones stored.
  const unsafe = findUnsafeText(result.data);
  if (unsafe) throw invalid([{ path: detailPath(where, unsafe.path, fieldNamesOf(schema)), reason: unsafe.reason }]);
  return result.data;
}
