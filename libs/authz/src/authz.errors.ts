// The reasons of libs/authz's refusals: every service raises them, through authorize() and the
// token verifier. Neither says what was refused or why the token was not accepted.
import { ErrorCode, ErrorReasons, type GardienError, type ReasonExtras } from '@gardien/contracts';

export enum AuthzReason {
  /** The ability factory does not allow this action on this resource for the caller. */
  ActionNotAllowed = 'action_not_allowed',
  /** No access token, or one that does not verify here (signature, audience, expiry, age). */
  InvalidAccessToken = 'invalid_access_token',
  /** The keys that verify tokens cannot be fetched from auth, and none are known yet. */
  TokenKeysUnavailable = 'token_keys_unavailable',
}

export const AUTHZ_ERRORS = ErrorReasons.define<AuthzReason>('authz', {
  [AuthzReason.ActionNotAllowed]: { code: ErrorCode.Forbidden, message: 'this action on this resource is not allowed for the caller' },
  [AuthzReason.InvalidAccessToken]: { code: ErrorCode.Unauthenticated, message: 'a valid access token is required' },
  [AuthzReason.TokenKeysUnavailable]: { code: ErrorCode.Unavailable, message: 'the token keys cannot be fetched' },
});

export function authzError(reason: AuthzReason, extras?: ReasonExtras): GardienError {
  return AUTHZ_ERRORS.error(reason, extras);
}
