// Deletes rows past their retention, for every tenant, in small batches (each its own short
// transaction: no long lock), and audits the count per tenant and kind in the same transaction
// as the deletion. Runs as the maintenance role, which bypasses row-level security to see all
// tenants but may only read and delete the tables that declare a retention (so no FOR UPDATE,
// which would need UPDATE; a row another purger deleted first is simply not counted twice).
// A store the service removes itself (its rows reference what a SQL delete cannot reach) is only
// read here: a batch of its expired rows' ids goes to the service's remover, which deletes and
// audits them its own way; without a registered remover such rows are left for a later run.
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { safeError } from '@gardien/observability';
import { AuditRecorder, type AuditAuthor } from '../audit/audit-recorder.js';
import { quoteIdent, quoteTable } from '../sql.js';
import type { ExpiredRowsRemover, RetentionPolicy } from './retention-policy.js';

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
  private readonly removers = new Map<string, ExpiredRowsRemover>();

  constructor(
    private readonly maintenance: DataSource,
    service: string,
    private readonly policies: readonly RetentionPolicy[],
    private readonly logger: Logger,
    private readonly options: PurgeOptions = {},
  ) {
    this.audit = new AuditRecorder(service);
  }

  /** Hands the expired rows of `kind` (a store its inventory says the service removes itself) to `remover`. */
  useRemover(kind: string, remover: ExpiredRowsRemover): void {
    const policy = this.policies.find((candidate) => candidate.kind === kind);
    if (!policy?.removedByService) throw new Error(`no retention of kind "${kind}" is removed by its service`);
    this.removers.set(kind, remover);
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
    if (policy.removedByService) return this.handOver(policy, policy.removedByService.recordColumn);
    const batchSize = this.options.batchSize ?? 500;
    const maxBatches = this.options.maxBatches ?? 1_000;
    const perTenant = new Map<string | null, number>();
    let deleted = 0;
    for (let batch = 0; batch < maxBatches; batch++) {
      const count = await this.maintenance.transaction(async (manager) => {
        await manager.query("SET LOCAL lock_timeout = '2s'");
        await manager.query("SET LOCAL statement_timeout = '30s'");
        const { sql, parameters } = purgeStatement(policy, batchSize);
        const result: unknown = await manager.query(sql, parameters);
        // TypeORM answers a DELETE ... RETURNING with [rows, affected].
        const rows = (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as Array<{ tenant_id: string | null; days: number }>;
        const counts = new Map<string | null, { count: number; days: number }>();
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

  /** The service's remover deletes (and audits) the expired rows, a batch at a time; the job only finds them. */
  private async handOver(policy: RetentionPolicy, recordColumn: string): Promise<PurgeReport> {
    const remover = this.removers.get(policy.kind);
    if (!remover) {
      this.logger.warn({ kind: policy.kind }, 'retention purge: no remover registered yet, expired rows left for the next run');
      return { kind: policy.kind, deleted: 0, tenants: 0 };
    }
    const batchSize = this.options.batchSize ?? 500;
    const maxBatches = this.options.maxBatches ?? 1_000;
    const tenants = new Set<string | null>();
    let deleted = 0;
    for (let batch = 0; batch < maxBatches; batch++) {
      const { sql, parameters } = expiredRowsStatement(policy, recordColumn, batchSize);
      const rows: Array<{ tenant_id: string | null; id: string }> = await this.maintenance.query(sql, parameters);
      const removed = rows.length === 0 ? 0 : await remover(rows.map((row) => ({ tenantId: row.tenant_id, id: row.id })));
      for (const row of rows) tenants.add(row.tenant_id);
      deleted += removed;
      // A batch the remover could not empty would come back the same: the next run tries again.
      if (rows.length < batchSize || removed === 0) break;
    }
    if (deleted > 0) this.logger.info({ kind: policy.kind, deleted, tenants: tenants.size }, 'retention purge');
    return { kind: policy.kind, deleted, tenants: deleted > 0 ? tenants.size : 0 };
  }
}

/** The condition of an expired row: past the period (`days`, SQL), or past its own expiry when the store has one. */
function expiredCondition(policy: RetentionPolicy, days: string): string {
  const period = `t.${quoteIdent(policy.timestampColumn)} < now() - make_interval(days => ${days})`;
  return policy.expiresAtColumn ? `(${period} OR t.${quoteIdent(policy.expiresAtColumn)} <= now())` : period;
}

/** One batch of expired rows of a store its service removes itself: their tenant and id, oldest first. */
function expiredRowsStatement(policy: RetentionPolicy, recordColumn: string, batchSize: number): { sql: string; parameters: unknown[] } {
  const tenant = policy.tenantColumn === null ? 'NULL::uuid' : `t.${quoteIdent(policy.tenantColumn)}`;
  return {
    sql: `SELECT ${tenant} AS tenant_id, t.${quoteIdent(recordColumn)}::text AS id FROM ${quoteTable(policy.table)} t
           WHERE ${expiredCondition(policy, '$1')} ORDER BY t.${quoteIdent(policy.timestampColumn)} LIMIT $2`,
    parameters: [policy.maxDays, batchSize],
  };
}

/**
 * Deletes one batch of expired rows, answering each row's tenant and the period applied: a
 * tenant's override when the table has a tenant column and the inventory lets tenants shorten it
 * (never beyond the maximum), else the maximum. A table of no tenant answers null tenants.
 */
function purgeStatement(policy: RetentionPolicy, batchSize: number): { sql: string; parameters: unknown[] } {
  const table = quoteTable(policy.table);
  const expired = (days: string) => expiredCondition(policy, days);
  if (policy.tenantColumn === null || !policy.tenantMayShorten) {
    const tenant = policy.tenantColumn === null ? 'NULL::uuid' : `t.${quoteIdent(policy.tenantColumn)}`;
    return {
      sql: `WITH doomed AS (SELECT t.ctid AS row_id FROM ${table} t WHERE ${expired('$1')} LIMIT $2)
            DELETE FROM ${table} t USING doomed WHERE t.ctid = doomed.row_id
            RETURNING ${tenant} AS tenant_id, $1::int AS days`,
      parameters: [policy.maxDays, batchSize],
    };
  }
  const tenant = `t.${quoteIdent(policy.tenantColumn)}`;
  const days = 'LEAST(COALESCE(o.days, $2), $2)';
  return {
    sql: `WITH doomed AS (
            SELECT t.ctid AS row_id, ${days} AS days
              FROM ${table} t
              LEFT JOIN gardien_retention_overrides o ON o.tenant_id = ${tenant} AND o.kind = $1
             WHERE ${expired(days)}
             LIMIT $3)
          DELETE FROM ${table} t USING doomed WHERE t.ctid = doomed.row_id
          RETURNING ${tenant} AS tenant_id, doomed.days`,
    parameters: [policy.kind, policy.maxDays, batchSize],
  };
}
