// Deletes rows past their retention, for every tenant, in small batches (each its own short
// transaction: no long lock), and audits the count per tenant and kind in the same transaction
// as the deletion. Runs as the maintenance role, which bypasses row-level security to see all
// tenants but may only read and delete the tables that declare a retention (so no FOR UPDATE,
// which would need UPDATE; a row another purger deleted first is simply not counted twice).
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { safeError } from '@gardien/observability';
import { AuditRecorder, type AuditAuthor } from '../audit/audit-recorder.js';
import { quoteIdent } from '../sql.js';
import type { RetentionPolicy } from './retention-policy.js';

export interface PurgeOptions {
  batchSize?: number;
  /** Upper bound of batches per policy and run, so that one run always ends. */
  maxBatches?: number;
}

export interface PurgeReport {
  kind: string;
  deleted: number;
  tenants: number;
}

const PURGE_AUTHOR: AuditAuthor = { system: 'retention-purge' };

export class RetentionPurgeJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private readonly audit: AuditRecorder;

  constructor(
    private readonly maintenance: DataSource,
    service: string,
    private readonly policies: readonly RetentionPolicy[],
    private readonly logger: Logger,
    private readonly options: PurgeOptions = {},
  ) {
    this.audit = new AuditRecorder(service);
  }

  /** Runs every `intervalMs` (first run after one interval). */
  schedule(intervalMs: number): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.runOnce()
        .catch((error: unknown) => this.logger.error({ err: safeError(error) }, 'retention purge failed'))
        .finally(() => {
          this.running = undefined;
        });
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  async runOnce(): Promise<PurgeReport[]> {
    const reports: PurgeReport[] = [];
    for (const policy of this.policies) reports.push(await this.purge(policy));
    return reports;
  }

  private async purge(policy: RetentionPolicy): Promise<PurgeReport> {
    const batchSize = this.options.batchSize ?? 500;
    const maxBatches = this.options.maxBatches ?? 1_000;
    const perTenant = new Map<string, number>();
    let deleted = 0;
    for (let batch = 0; batch < maxBatches; batch++) {
      const count = await this.maintenance.transaction(async (manager) => {
        await manager.query("SET LOCAL lock_timeout = '2s'");
        await manager.query("SET LOCAL statement_timeout = '30s'");
        const result: unknown = await manager.query(
          `WITH doomed AS (
             SELECT t.ctid AS row_id, LEAST(COALESCE(o.days, $2), $2) AS days
               FROM ${quoteIdent(policy.table)} t
               LEFT JOIN gardien_retention_overrides o ON o.tenant_id = t.tenant_id AND o.kind = $1
              WHERE t.${quoteIdent(policy.timestampColumn)} < now() - make_interval(days => LEAST(COALESCE(o.days, $2), $2))
              LIMIT $3)
           DELETE FROM ${quoteIdent(policy.table)} t USING doomed WHERE t.ctid = doomed.row_id
           RETURNING t.tenant_id, doomed.days`,
          [policy.kind, policy.maxDays, batchSize],
        );
        // TypeORM answers a DELETE ... RETURNING with [rows, affected].
        const rows = (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as Array<{ tenant_id: string; days: number }>;
        const counts = new Map<string, { count: number; days: number }>();
        for (const row of rows) {
          const entry = counts.get(row.tenant_id) ?? { count: 0, days: row.days };
          entry.count += 1;
          counts.set(row.tenant_id, entry);
        }
        for (const [tenantId, { count, days }] of counts) {
          await this.audit.record(manager, PURGE_AUTHOR, { action: 'retention.purged', tenantId, targetId: policy.kind, details: { count, days } });
          perTenant.set(tenantId, (perTenant.get(tenantId) ?? 0) + count);
        }
        return rows.length;
      });
      deleted += count;
      if (count < batchSize) break;
    }
    if (deleted > 0) this.logger.info({ kind: policy.kind, deleted, tenants: perTenant.size }, 'retention purge');
    return { kind: policy.kind, deleted, tenants: perTenant.size };
  }
}
