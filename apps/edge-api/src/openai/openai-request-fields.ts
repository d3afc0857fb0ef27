// How the OpenAI-compatible surface reads a request body: every field OpenAI defines is either read
// (translated to the gateway's request), ignored (it changes nothing in the answer: `user`, cache
// keys), or refused unless it asks for nothing (`tools: []`, `logprobs: false`), so that nothing
// that would change the answer is silently dropped. `null` is absent, as in OpenAI's API. A field
// OpenAI does not define is refused. Errors name the field (one of ours) and never echo a value or
// an unknown key.
import { ErrorCode, GardienError } from '@gardien/contracts';
import { EdgeReason, edgeError } from '../edge.errors.js';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value that is not valid where it is (`path` from the body, made of our field names and indices only). */
export function invalid(path: string, reason: string): GardienError {
  return new GardienError(ErrorCode.ValidationFailed, 'the request is not valid', [{ path: `body${path ? `.${path}` : ''}`, reason }]);
}

/** Something Gardien does not serve, at `path`. */
export function refused(reason: EdgeReason.UnsupportedParameter | EdgeReason.UnsupportedContent | EdgeReason.UnsupportedRole, path: string): GardienError {
  return edgeError(reason, { details: [{ path: `body.${path}`, reason }] });
}

export type FieldRule =
  /** Read by the translation. */
  | { kind: 'read' }
  /** No effect on the answer: accepted, never read, never logged. */
  | { kind: 'ignored' }
  /** Accepted only with a value that asks for nothing; refused otherwise. */
  | { kind: 'neutral'; accepts: (value: unknown) => boolean };

export const READ: FieldRule = { kind: 'read' };
export const IGNORED: FieldRule = { kind: 'ignored' };
/** Accepted when null (absent) only. */
export const NEVER: FieldRule = { kind: 'neutral', accepts: () => false };
export const neutral = (accepts: (value: unknown) => boolean): FieldRule => ({ kind: 'neutral', accepts });

/** Checks every field of `body` against its rule: an unknown field is invalid, a neutral one that asks for something is refused. */
export function checkFields(body: JsonObject, rules: ReadonlyMap<string, FieldRule>, at = ''): void {
  for (const [field, value] of Object.entries(body)) {
    const rule = rules.get(field);
    // The key is the caller's own: it is not named.
    if (!rule) throw invalid(at, 'unrecognized_keys');
    if (value === null || rule.kind !== 'neutral') continue;
    if (!rule.accepts(value)) throw refused(EdgeReason.UnsupportedParameter, at ? `${at}.${field}` : field);
  }
}

/** The field's value, null read as absent. */
export function given(body: JsonObject, field: string): unknown {
  const value = Object.hasOwn(body, field) ? body[field] : undefined;
  return value === null ? undefined : value;
}

/** A number in [min, max] (`exclusiveMin`: above min), or absent. */
export function numberIn(body: JsonObject, field: string, range: { min: number; max: number; exclusiveMin?: boolean; integer?: boolean }): number | undefined {
  const value = given(body, field);
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || (range.integer && !Number.isInteger(value))) throw invalid(field, 'invalid_type');
  if (range.exclusiveMin ? value <= range.min : value < range.min) throw invalid(field, 'too_small');
  if (value > range.max) throw invalid(field, 'too_big');
  return value;
}

export function booleanOf(body: JsonObject, field: string, at = ''): boolean | undefined {
  const value = given(body, field);
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw invalid(at ? `${at}.${field}` : field, 'invalid_type');
  return value;
}
