// Which roles count as privileged. The role list itself lives in libs/contracts (it is part of the
// access token); this file only adds what authorisation needs to know about it.
import type { Role } from '@gardien/contracts';

/** Roles whose grants apply only in a session where MFA was satisfied (design: MFA mandatory for admin roles). */
export const MFA_REQUIRED_ROLES: readonly Role[] = ['superadmin', 'tenant_admin', 'dpo', 'auditor'];

export function requiresMfa(roles: readonly Role[]): boolean {
  return roles.some((role) => MFA_REQUIRED_ROLES.includes(role));
}
