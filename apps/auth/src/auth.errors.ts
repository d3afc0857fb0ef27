// The auth service's domain reasons, carried beside the transport code of every error it raises
// (what a client branches on), each with its one message. Refusals that must not tell an attacker
// more share one reason on purpose: every failed login is `invalid_credentials`, every refused
// session `session_invalid`, every refused API key `invalid_api_key`.
import { ErrorCode, ErrorReasons, type GardienError, type ReasonExtras } from '@gardien/contracts';

export enum AuthReason {
  /** Unknown tenant, unknown account or wrong password (or code): the same answer after the same work. */
  InvalidCredentials = 'invalid_credentials',
  /** The password was right; the account needs a TOTP code as well. */
  MfaRequired = 'mfa_required',
  /** Too many failed attempts on the account or from the source: back-off or lock. */
  TooManyAttempts = 'too_many_attempts',
  /** Every password check slot and its short queue are taken: the service sheds the request. */
  PasswordChecksSaturated = 'password_checks_saturated',
  /** The caller stopped waiting before its password could be checked. */
  PasswordCheckAbandoned = 'password_check_abandoned',
  /** The session is over (logout, timeout, reuse detected), unknown, or its account is gone. */
  SessionInvalid = 'session_invalid',
  /** Only a user, in a session, may act on its own account this way (not an API key, not a service). */
  UserSessionRequired = 'user_session_required',
  /** The action belongs to a tenant and the caller (the super-admin, a platform service) has none. */
  TenantRequired = 'tenant_required',
  UserNotFound = 'user_not_found',
  /** Another account of the tenant already has this email (which the answer does not repeat). */
  EmailTaken = 'email_taken',
  /** `superadmin` is the platform account's role alone, and its only one. */
  SuperadminRoleReserved = 'superadmin_role_reserved',
  /** The tenant of a first administrator does not exist or is not active. */
  TenantNotActive = 'tenant_not_active',
  TenantAlreadyHasAdministrator = 'tenant_already_has_administrator',
  /** Removing this administrator (role change or deletion) would leave the tenant with none. */
  LastAdministrator = 'last_administrator',
  OwnMfaResetRefused = 'own_mfa_reset_refused',
  OwnAccountDeletionRefused = 'own_account_deletion_refused',
  /** The account's second factor is already enrolled; an administrator can reset it. */
  MfaAlreadyEnrolled = 'mfa_already_enrolled',
  MfaEnrolmentNotPending = 'mfa_enrolment_not_pending',
  /** The TOTP code of an enrolment's confirmation is not valid (or was already used). */
  InvalidTotpCode = 'invalid_totp_code',
  /** The current password given to protect a change of the account is not its password. */
  CurrentPasswordIncorrect = 'current_password_incorrect',
  PasswordUnchanged = 'password_unchanged',
  /** An API key names a purpose its tenant has not declared. */
  PurposeNotDeclared = 'purpose_not_declared',
  /** An API key names a model its tenant's settings do not allow. */
  ApiKeyModelNotAllowed = 'api_key_model_not_allowed',
  ApiKeyExpiryOutOfRange = 'api_key_expiry_out_of_range',
  ApiKeyNotFound = 'api_key_not_found',
  ApiKeyNotRotatable = 'api_key_not_rotatable',
  /** Unknown, revoked or expired key, or one whose owner may no longer hold keys. */
  InvalidApiKey = 'invalid_api_key',
  /** This process may not obtain a caller's token for that service (DELEGATIONS). */
  DelegationNotAllowed = 'delegation_not_allowed',
  AlreadyBootstrapped = 'already_bootstrapped',
  /** The first tenant's slug asked of `gardien bootstrap` is taken. */
  BootstrapSlugTaken = 'bootstrap_slug_taken',
  /** The bootstrap's answer would go elsewhere than the operator command line's inbox. */
  BootstrapReservedToCli = 'bootstrap_reserved_to_cli',
  /** The bootstrap request is not signed with the command line's nkey that auth was given. */
  BootstrapNotSigned = 'bootstrap_not_signed',
  PlatformTenantNotErasable = 'platform_tenant_not_erasable',
}

export const AUTH_ERRORS = ErrorReasons.define<AuthReason>('auth', {
  [AuthReason.InvalidCredentials]: { code: ErrorCode.Unauthenticated, message: 'the credentials are not valid' },
  [AuthReason.MfaRequired]: { code: ErrorCode.MfaRequired, message: 'a one-time code (TOTP) is required for this account' },
  [AuthReason.TooManyAttempts]: { code: ErrorCode.RateLimited, message: 'too many failed attempts: try again later' },
  [AuthReason.PasswordChecksSaturated]: { code: ErrorCode.Unavailable, message: 'the service is busy: try again shortly' },
  [AuthReason.PasswordCheckAbandoned]: { code: ErrorCode.Timeout, message: 'the caller stopped waiting before its password could be checked' },
  [AuthReason.SessionInvalid]: { code: ErrorCode.Unauthenticated, message: 'the session is not valid' },
  [AuthReason.UserSessionRequired]: { code: ErrorCode.Forbidden, message: 'only a user, in a session, may do this' },
  [AuthReason.TenantRequired]: { code: ErrorCode.Forbidden, message: 'this action belongs to a tenant and the caller has none' },
  [AuthReason.UserNotFound]: { code: ErrorCode.NotFound, message: 'no such user' },
  [AuthReason.EmailTaken]: { code: ErrorCode.Conflict, message: 'an account with this email already exists in the tenant' },
  [AuthReason.SuperadminRoleReserved]: { code: ErrorCode.Forbidden, message: 'the super-admin role exists only for the platform account' },
  [AuthReason.TenantNotActive]: { code: ErrorCode.NotFound, message: 'no such active tenant' },
  [AuthReason.TenantAlreadyHasAdministrator]: { code: ErrorCode.Conflict, message: 'the tenant already has an administrator' },
  [AuthReason.LastAdministrator]: { code: ErrorCode.Conflict, message: 'the tenant must keep at least one administrator' },
  [AuthReason.OwnMfaResetRefused]: { code: ErrorCode.Forbidden, message: 'an administrator cannot reset their own MFA' },
  [AuthReason.OwnAccountDeletionRefused]: { code: ErrorCode.Conflict, message: 'an administrator cannot delete their own account' },
  [AuthReason.MfaAlreadyEnrolled]: { code: ErrorCode.Conflict, message: 'MFA is already enrolled; an administrator can reset it' },
  [AuthReason.MfaEnrolmentNotPending]: { code: ErrorCode.Conflict, message: 'no MFA enrolment is pending' },
  [AuthReason.InvalidTotpCode]: { code: ErrorCode.ValidationFailed, message: 'the code is not valid' },
  [AuthReason.CurrentPasswordIncorrect]: { code: ErrorCode.ValidationFailed, message: 'the current password is not right' },
  [AuthReason.PasswordUnchanged]: { code: ErrorCode.ValidationFailed, message: 'the new password must differ from the current one' },
  [AuthReason.PurposeNotDeclared]: { code: ErrorCode.ValidationFailed, message: 'the purpose is not declared by the tenant' },
  [AuthReason.ApiKeyModelNotAllowed]: { code: ErrorCode.ValidationFailed, message: "a model is not among the tenant's allowed models" },
  [AuthReason.ApiKeyExpiryOutOfRange]: { code: ErrorCode.ValidationFailed, message: 'the expiry must be in the future and within one year' },
  [AuthReason.ApiKeyNotFound]: { code: ErrorCode.NotFound, message: 'no such API key' },
  [AuthReason.ApiKeyNotRotatable]: { code: ErrorCode.Conflict, message: 'a revoked or expired key cannot be rotated' },
  [AuthReason.InvalidApiKey]: { code: ErrorCode.Unauthenticated, message: 'the API key is not valid' },
  [AuthReason.DelegationNotAllowed]: { code: ErrorCode.Forbidden, message: 'this service may not call that one on a caller’s behalf' },
  [AuthReason.AlreadyBootstrapped]: { code: ErrorCode.Conflict, message: 'the platform is already bootstrapped: a super-admin exists' },
  [AuthReason.BootstrapSlugTaken]: { code: ErrorCode.ValidationFailed, message: 'the tenant slug is already taken' },
  [AuthReason.BootstrapReservedToCli]: { code: ErrorCode.Forbidden, message: 'bootstrap is reserved to the operator command line' },
  [AuthReason.BootstrapNotSigned]: {
    code: ErrorCode.Forbidden,
    message: 'the bootstrap request is not signed with the operator command line’s nkey that auth was given',
  },
  [AuthReason.PlatformTenantNotErasable]: { code: ErrorCode.Forbidden, message: 'the platform tenant cannot be erased' },
});

export function authError(reason: AuthReason, extras?: ReasonExtras): GardienError {
  return AUTH_ERRORS.error(reason, extras);
}

/** Back-off or lock refusal; `retryAfterMs` is when the throttle would let the next attempt run. */
export function tooManyAttempts(retryAfterMs: number): GardienError {
  return authError(AuthReason.TooManyAttempts, { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) });
}
