// Appends entries of the stream to their logs, in the order given: one tree per tenant and one for
// the platform (entries without a tenant), each entry hashed as the JCS of its log form, its leaf
// and the nodes it completes stored in the same transaction. An entry id already in its log (a
// redelivery, a relay that published twice) is skipped: appended once. The right edge of each tree
// (its compact range) is kept in memory between batches and read back from the nodes when another
// replica appended in between or the service restarted.
import type { DataSource, EntityManager } from 'typeorm';
import { CompactRange, canonicalText, leafHash } from '@gardien/audit-log';
import { PLATFORM_TENANT_ID, logEntryOf, type AuditEntry } from '@gardien/contracts';
import { setTenant } from '@gardien/persistence';
import type { AuditLogRepository, EntryRow, NodeRow } from './audit-log.repository.js';

export interface AppendOutcome {
  appended: number;
  duplicates: number;
  /** The logs (tenant ids, the platform's as PLATFORM_TENANT_ID) that grew. */
  grown: string[];
}

/** The tenant id a log is stored under. */
export function logTenantOf(entry: Pick<AuditEntry, 'tenantId'>): string {
  return entry.tenantId ?? PLATFORM_TENANT_ID;
}

export class AuditLogAppender {
  private readonly ranges = new Map<string, CompactRange>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: AuditLogRepository,
  ) {}

  async append(entries: readonly AuditEntry[]): Promise<AppendOutcome> {
    const byLog = new Map<string, AuditEntry[]>();
    for (const entry of entries) {
      const log = logTenantOf(entry);
      const list = byLog.get(log);
      if (list === undefined) byLog.set(log, [entry]);
      else list.push(entry);
    }
    // Locks taken in one order by every replica: no deadlock between two batches.
    const logs = [...byLog.keys()].sort();
    const ranges = new Map<string, CompactRange>();
    const grown: string[] = [];
    let appended = 0;
    await this.dataSource.transaction(async (manager) => {
      for (const log of logs) {
        const result = await this.appendToLog(manager, log, byLog.get(log)!);
        ranges.set(log, result.range);
        appended += result.appended;
        if (result.appended > 0) grown.push(log);
      }
    });
    // Only once committed does memory follow the database.
    for (const [log, range] of ranges) this.ranges.set(log, range);
    return { appended, duplicates: entries.length - appended, grown };
  }

  private async appendToLog(manager: EntityManager, log: string, entries: readonly AuditEntry[]): Promise<{ range: CompactRange; appended: number }> {
    await setTenant(manager, log);
    await this.repository.lock(manager, log);
    const size = await this.repository.sizeOf(manager, log);
    const range = (await this.rangeOf(manager, log, size)).clone();
    const known = await this.repository.existingIds(manager, log, entries.map((entry) => entry.id));
    const rows: EntryRow[] = [];
    const nodes: NodeRow[] = [];
    for (const entry of entries) {
      if (known.has(entry.id)) continue;
      known.add(entry.id);
      const text = canonicalText(logEntryOf(entry));
      const leaf = leafHash(Buffer.from(text, 'utf8'));
      rows.push({
        idx: range.size,
        id: entry.id,
        ts: entry.occurredAt,
        service: entry.service,
        action: entry.action,
        outcome: entry.outcome,
        actorType: entry.actor.type,
        actorId: entry.actor.id,
        targetType: entry.target?.type ?? null,
        targetId: entry.target?.id ?? null,
        entry: text,
        leafHash: leaf,
      });
      nodes.push(...range.append(leaf));
    }
    await this.repository.insertEntries(manager, log, rows);
    await this.repository.insertNodes(manager, log, nodes);
    return { range, appended: rows.length };
  }

  /** The compact range of a log of `size` entries: from memory when it is current, else from its stored nodes. */
  private async rangeOf(manager: EntityManager, log: string, size: number): Promise<CompactRange> {
    const cached = this.ranges.get(log);
    if (cached?.size === size) return cached;
    const refs = CompactRange.nodesOf(size);
    const node = await this.repository.requiredNodes(manager, log, refs);
    return new CompactRange(size, refs.map(node));
  }
}
