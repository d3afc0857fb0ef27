// A tenant's retention choices: shorter than the declared maximum, never longer, and only where
// the service's inventory lets tenants shorten it. Stored in gardien_retention_overrides
// (tenant-owned, row-level security) and audited (`retention.changed`, days null when an override
// is removed). The owning service applies them from the tenant's settings (reconcileTenantRetention).
import type { DataSource, EntityManager } from 'typeorm';
import { ErrorCode, GardienError } from '@gardien/contracts';
import { AuditRecorder, type AuditAuthor } from '../audit/audit-recorder.js';
import { withTenant } from '../tenant-context.js';
import type { RetentionPolicy } from './retention-policy.js';

export interface RetentionChange {
  service: string;
  tenantId: string;
  /** Who changed it: the tenant's admin (a verified caller), or the service applying the tenant's settings. */
  author: AuditAuthor;
}

export async function setTenantRetention(dataSource: DataSource, policy: RetentionPolicy, days: number, change: RetentionChange): Promise<void> {
  checkShortening(policy, days);
  await withTenant(dataSource, change.tenantId, (manager) => writeOverride(manager, policy, days, change));
}

/**
 * Makes the tenant's overrides of these policies those given (by kind; a kind absent goes back to
 * the maximum), in one transaction, auditing each that changes; answers how many changed. Applying
 * the same overrides again changes nothing. An override the inventory does not allow is refused.
 */
export async function reconcileTenantRetention(
  dataSource: DataSource,
  policies: readonly RetentionPolicy[],
  overrides: Readonly<Record<string, number>>,
  change: RetentionChange,
): Promise<number> {
  const wanted = policies.map((policy) => ({ policy, days: Object.hasOwn(overrides, policy.kind) ? overrides[policy.kind]! : null }));
  for (const { policy, days } of wanted) if (days !== null) checkShortening(policy, days);
  return withTenant(dataSource, change.tenantId, async (manager) => {
    let changed = 0;
    for (const { policy, days } of wanted) if (await writeOverride(manager, policy, days, change)) changed += 1;
    return changed;
  });
}

/** The period in force for a tenant: its override, or the declared maximum. */
export async function tenantRetentionDays(dataSource: DataSource, policy: RetentionPolicy, tenantId: string): Promise<number> {
  const rows: Array<{ days: number }> = await withTenant(dataSource, tenantId, (manager) =>
    manager.query('SELECT days FROM gardien_retention_overrides WHERE tenant_id = $1 AND kind = $2', [tenantId, policy.kind]),
  );
  return Math.min(rows[0]?.days ?? policy.maxDays, policy.maxDays);
}

function checkShortening(policy: RetentionPolicy, days: number): void {
  if (!Number.isInteger(days) || days < 1) {
    throw new GardienError(ErrorCode.ValidationFailed, 'retention must be a whole number of days', [{ path: 'days', reason: 'invalid' }]);
  }
  if (!policy.tenantMayShorten) {
    throw new GardienError(ErrorCode.ValidationFailed, 'this retention may not be changed by a tenant', [{ path: 'days', reason: 'not_shortenable' }]);
  }
  if (days > policy.maxDays) {
    throw new GardienError(ErrorCode.ValidationFailed, 'retention may not exceed the declared maximum', [{ path: 'days', reason: 'exceeds_declared_maximum' }]);
  }
}

/** Sets (or, with null, removes) one override in the tenant's transaction; audits and answers true if it changed. */
async function writeOverride(manager: EntityManager, policy: RetentionPolicy, days: number | null, change: RetentionChange): Promise<boolean> {
  const rows: unknown[] =
    days === null
      ? await manager.query('DELETE FROM gardien_retention_overrides WHERE tenant_id = $1 AND kind = $2 RETURNING 1', [change.tenantId, policy.kind]).then(returned)
      : await manager.query(
          `INSERT INTO gardien_retention_overrides (tenant_id, kind, days) VALUES ($1, $2, $3)
           ON CONFLICT (tenant_id, kind) DO UPDATE SET days = EXCLUDED.days, updated_at = now()
             WHERE gardien_retention_overrides.days IS DISTINCT FROM EXCLUDED.days
           RETURNING 1`,
          [change.tenantId, policy.kind, days],
        );
  if (rows.length === 0) return false;
  await new AuditRecorder(change.service).record(manager, change.author, {
    action: 'retention.changed',
    tenantId: change.tenantId,
    targetId: policy.kind,
    details: { days, maxDays: policy.maxDays },
  });
  return true;
}

/** Rows of TypeORM's answer to a DELETE ... RETURNING ([rows, count]). */
function returned(result: unknown): unknown[] {
  return (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as unknown[];
}
