// Which log a caller reads: the one it names (tenant_id), or without a name its own tenant's (the
// platform's for a caller of no tenant), once the one ability factory allows it. A tenant's auditor
// or DPO reads their tenant's log only; a platform auditor, the platform's and any tenant's.
import { PLATFORM_TENANT_ID, type Caller } from '@gardien/contracts';
import { authorize, defineAbilityFor, type SubjectActions } from '@gardien/authz';

/** The tenant id the log is stored under (the platform's log under the platform tenant's id). */
export function authorizedLog(caller: Caller, named: string | undefined, action: SubjectActions['AuditEntry']): string {
  const log = named ?? caller.tenantId ?? PLATFORM_TENANT_ID;
  authorize(defineAbilityFor(caller.principal), action, 'AuditEntry', { tenantId: log });
  return log;
}
