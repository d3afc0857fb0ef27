// The one ability factory every service and the edge use: from a verified caller to what it may do.
// Fail-closed: anything doubtful about the caller (no tenant, no MFA, not a human) removes grants.
import { AbilityBuilder, createMongoAbility } from '@casl/ability';
import type { Principal, Role } from '@gardien/contracts';
import type { AppAbility } from './app-ability.js';
import { grantPlatformAuditor, grantService, grantSuperadmin, grantTenantRole, type TenantScope } from './role-grants.js';
import { MFA_REQUIRED_ROLES } from './roles.js';

/** Roles whose grants include calling a model; the only grant a non-human caller can receive. */
const MODEL_CALLER_ROLES: readonly Role[] = ['developer', 'user', 'service'];

export function defineAbilityFor(principal: Principal): AppAbility {
  const builder = new AbilityBuilder<AppAbility>(createMongoAbility);
  const roles = effectiveRoles(principal);
  const { tenantId } = principal;

  // A platform service acting in its own name (no tenant): its `service:<name>` grants, and only those.
  if (principal.kind === 'service' && tenantId === null) {
    grantService(principal.id, builder.can);
    return builder.build();
  }
  if (roles.includes('superadmin') && tenantId === null) grantSuperadmin(builder.can);
  if (roles.includes('auditor') && tenantId === null && principal.kind === 'user') grantPlatformAuditor(builder.can);
  if (tenantId === null) return builder.build();

  const scope: TenantScope = { tenantId, principalId: principal.id, modelCall: modelCallConditions(principal, tenantId) };
  if (principal.kind !== 'user') {
    // An API key or service account exists to call models for its purposes, nothing more: whatever
    // roles it carries, it cannot manage keys, read documents or administer anything.
    if (roles.some((role) => MODEL_CALLER_ROLES.includes(role))) builder.can('invoke', 'ModelCall', scope.modelCall);
    return builder.build();
  }
  for (const role of roles) {
    if (role !== 'superadmin') grantTenantRole(role, builder.can, scope);
  }
  return builder.build();
}

/** The caller's roles, without duplicates and without the privileged ones when MFA was not satisfied. */
function effectiveRoles(principal: Principal): Role[] {
  const unique = [...new Set(principal.roles)];
  return principal.mfa ? unique : unique.filter((role) => !MFA_REQUIRED_ROLES.includes(role));
}

/**
 * API keys and service accounts are bound to processing purposes (and optionally to models): their
 * calls must name one of them. An empty purpose list matches nothing, so such a key can call nothing.
 */
function modelCallConditions(principal: Principal, tenantId: string): TenantScope['modelCall'] {
  const purposeBound = principal.kind !== 'user' || principal.roles.includes('service');
  if (!purposeBound) return { tenantId };
  const conditions: TenantScope['modelCall'] = { tenantId, purpose: { $in: principal.purposes ?? [] } };
  return principal.models ? { ...conditions, model: { $in: principal.models } } : conditions;
}
