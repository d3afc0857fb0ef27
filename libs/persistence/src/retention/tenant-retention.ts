// A tenant's retention choices: shorter than the declared maximum, never longer. Stored in
// gardien_retention_overrides (tenant-owned, row-level security) and audited.
import type { DataSource } from 'typeorm';
import { ErrorCode, GardienError } from '@gardien/contracts';
import { recordAudit } from '../audit/record-audit.js';
import { withTenant } from '../tenant-context.js';
import type { RetentionPolicy } from './retention-policy.js';

export interface RetentionChange {
  service: string;
  tenantId: string;
  actorId: string;
  requestId?: string;
}

export async function setTenantRetention(
  dataSource: DataSource,
  policy: RetentionPolicy,
  days: number,
  change: RetentionChange,
): Promise<void> {
  if (!Number.isInteger(days) || days < 1) {
    throw new GardienError(ErrorCode.ValidationFailed, 'retention must be a whole number of days', [{ path: 'days', reason: 'invalid' }]);
  }
  if (!policy.tenantMayShorten) {
    throw new GardienError(ErrorCode.ValidationFailed, 'this retention may not be changed by a tenant', [{ path: 'days', reason: 'not_shortenable' }]);
  }
  if (days > policy.maxDays) {
    throw new GardienError(ErrorCode.ValidationFailed, 'retention may not exceed the declared maximum', [
      { path: 'days', reason: 'exceeds_declared_maximum' },
    ]);
  }
  await withTenant(dataSource, change.tenantId, async (manager) => {
    await manager.query(
      `INSERT INTO gardien_retention_overrides (tenant_id, kind, days) VALUES ($1, $2, $3)
       ON CONFLICT (tenant_id, kind) DO UPDATE SET days = EXCLUDED.days, updated_at = now()`,
      [change.tenantId, policy.kind, days],
    );
    await recordAudit(manager, {
      service: change.service,
      action: 'retention.changed',
      outcome: 'success',
      tenantId: change.tenantId,
      actor: { type: 'user', id: change.actorId },
      target: { type: 'retention', id: policy.kind },
      details: { days, maxDays: policy.maxDays },
      requestId: change.requestId ?? null,
    });
  });
}

/** The period in force for a tenant: its override, or the declared maximum. */
export async function tenantRetentionDays(dataSource: DataSource, policy: RetentionPolicy, tenantId: string): Promise<number> {
  const rows: Array<{ days: number }> = await withTenant(dataSource, tenantId, (manager) =>
    manager.query('SELECT days FROM gardien_retention_overrides WHERE tenant_id = $1 AND kind = $2', [tenantId, policy.kind]),
  );
  return Math.min(rows[0]?.days ?? policy.maxDays, policy.maxDays);
}
