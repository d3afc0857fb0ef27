// Retry-After (RFC 9110 §10.2.3) on the edge's answers: the delay a service asked for, passed on
// whatever the error; and on every 429 and 503 a delay even when none was given, so that clients
// and proxies back off instead of retrying at once.
import { ErrorCode } from '@gardien/contracts';

export const RETRY_AFTER_HEADER = 'retry-after';

/** What a 429 or 503 without a delay of its own asks for. */
export const FALLBACK_RETRY_AFTER_SECONDS = 5;

export function retryAfterSecondsOf(code: ErrorCode, given: number | undefined): number | undefined {
  if (given !== undefined) return given;
  return code === ErrorCode.RateLimited || code === ErrorCode.Unavailable ? FALLBACK_RETRY_AFTER_SECONDS : undefined;
}
