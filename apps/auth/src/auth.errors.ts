// The auth service's domain reasons, carried beside the transport code of the errors it raises
// (what a client branches on), and the errors that say when to try again.
import { ErrorCode, GardienError } from '@gardien/contracts';

export enum AuthErrorReason {
  /** Too many failed attempts on the account or from the source: back-off or lock. */
  TooManyAttempts = 'too_many_attempts',
  /** Every password check slot and its short queue are taken: the service sheds the request. */
  PasswordChecksSaturated = 'password_checks_saturated',
}

/** Back-off or lock refusal; `retryAfterMs` is when the throttle would let the next attempt run. */
export function tooManyAttempts(retryAfterMs: number): GardienError {
  return new GardienError(ErrorCode.RateLimited, 'too many failed attempts: try again later', undefined, {
    reason: AuthErrorReason.TooManyAttempts,
    retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)),
  });
}

export function passwordChecksSaturated(retryAfterSeconds: number): GardienError {
  return new GardienError(ErrorCode.Unavailable, 'the service is busy: try again shortly', undefined, {
    reason: AuthErrorReason.PasswordChecksSaturated,
    retryAfterSeconds,
  });
}
