// What an OpenAI request cannot say in its body and Gardien needs: the purpose of processing and,
// optionally, the data subject the call is about. An API key carries its own purpose; a caller with
// an access token names it in X-Gardien-Purpose (the gateway refuses a call that names none). Both
// are checked here, before any bus call: a header sent twice is refused, not joined or guessed.
import type { IncomingHttpHeaders } from 'node:http';
import { PurposeId, Uuid } from '@gardien/contracts';
import { EdgeReason, edgeError } from '../edge.errors.js';

export const PURPOSE_HEADER = 'X-Gardien-Purpose';
export const SUBJECT_HEADER = 'X-Gardien-Subject';

/** What the headers add to a model call. */
export interface CallHints {
  purpose?: string;
  subject?: string;
}

/** How many times a header was sent (rawHeaders: names and values, alternately, as received). */
function timesSent(rawHeaders: readonly string[], name: string): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]!.toLowerCase() === name) count += 1;
  return count;
}

function headerValue(headers: IncomingHttpHeaders, rawHeaders: readonly string[], name: string, schema: typeof PurposeId | typeof Uuid): string | undefined {
  const key = name.toLowerCase();
  const value = headers[key];
  if (value === undefined) return undefined;
  const parsed = timesSent(rawHeaders, key) === 1 && typeof value === 'string' ? schema.safeParse(value) : undefined;
  if (!parsed?.success) throw edgeError(EdgeReason.InvalidGardienHeader, { details: [{ path: `headers.${key}`, reason: 'invalid_value' }] });
  return parsed.data;
}

export function callHintsOf(headers: IncomingHttpHeaders, rawHeaders: readonly string[]): CallHints {
  const purpose = headerValue(headers, rawHeaders, PURPOSE_HEADER, PurposeId);
  const subject = headerValue(headers, rawHeaders, SUBJECT_HEADER, Uuid);
  return { ...(purpose !== undefined ? { purpose } : {}), ...(subject !== undefined ? { subject } : {}) };
}
