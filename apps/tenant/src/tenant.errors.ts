// The tenant service's domain reasons, each with its transport code and its one message. Refusals
// by the ability factory are libs/authz's `action_not_allowed`, whichever service raises them.
import { ErrorCode, ErrorReasons, type GardienError, type ReasonExtras } from '@gardien/contracts';

export enum TenantReason {
  /** Another tenant already has this slug (which the answer does not repeat). */
  TenantSlugTaken = 'tenant_slug_taken',
  /** No such tenant, or one deleted; also what a caller may not know exists. */
  TenantNotFound = 'tenant_not_found',
  TenantSettingsNotFound = 'tenant_settings_not_found',
  /** A retention override names no declared category, or would lengthen one past its maximum. */
  RetentionOverrideRefused = 'retention_override_refused',
  /** The tenant already declares a purpose with this id. */
  PurposeIdTaken = 'purpose_id_taken',
  PurposeNotFound = 'purpose_not_found',
}

export const TENANT_ERRORS = ErrorReasons.define<TenantReason>('tenant', {
  [TenantReason.TenantSlugTaken]: { code: ErrorCode.Conflict, message: 'a tenant with this slug already exists' },
  [TenantReason.TenantNotFound]: { code: ErrorCode.NotFound, message: 'no such tenant' },
  [TenantReason.TenantSettingsNotFound]: { code: ErrorCode.NotFound, message: 'no settings for this tenant' },
  [TenantReason.RetentionOverrideRefused]: { code: ErrorCode.ValidationFailed, message: 'retention overrides may only shorten a declared retention' },
  [TenantReason.PurposeIdTaken]: { code: ErrorCode.Conflict, message: 'a purpose with this id already exists in the tenant' },
  [TenantReason.PurposeNotFound]: { code: ErrorCode.NotFound, message: 'no such purpose' },
});

export function tenantError(reason: TenantReason, extras?: ReasonExtras): GardienError {
  return TENANT_ERRORS.error(reason, extras);
}
