// Appends entries of the stream to their logs, in the order given: one tree per tenant and one for
// the platform (entries without a tenant), each entry hashed as the JCS of its log form, its leaf
// and the nodes it completes stored in the same transaction. An entry id already in its log (a
// redelivery, a relay that published twice) is skipped: appended once. Such ids are rare (a batch
// delivered again after a restart), so a batch is first stored without looking its ids up: the
// unique (tenant_id, id) refuses it whole if one is known, and it is then stored again with the
// ids looked up, the known ones skipped. The right edge of each tree
// (its compact range) is kept in memory between batches and read back from the nodes when another
// replica appended in between or the service restarted. Hashing an entry needs nothing of its
// log, so it can be done before the log is locked (hashEntry), while another batch is being stored.
import type { DataSource, EntityManager } from 'typeorm';
import { CompactRange, canonicalText, leafHash } from '@gardien/audit-log';
import { PLATFORM_TENANT_ID, logEntryOf, type AuditEntry } from '@gardien/contracts';
import { setTenant } from '@gardien/persistence';
import { isKnownIdRefusal, type AuditLogRepository, type EntryRow, type NodeRow } from './audit-log.repository.js';

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

/** An entry with its log, its JCS text (in UTF-8) and its leaf hash: all of it that does not depend on the log. */
export interface HashedEntry {
  readonly entry: AuditEntry;
  readonly log: string;
  readonly text: Buffer;
  readonly leaf: Buffer;
}

export function hashEntry(entry: AuditEntry): HashedEntry {
  const text = Buffer.from(canonicalText(inKeyOrder(logEntryOf(entry))), 'utf8');
  return { entry, log: logTenantOf(entry), text, leaf: leafHash(text) };
}

/**
 * The same data with the keys of every object in JCS order (UTF-16 code units, Array#sort's):
 * canonicalText then writes it with the native serialiser instead of the general algorithm, the
 * same text four times faster.
 */
function inKeyOrder(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const ordered: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) ordered[key] = inKeyOrder((value as Record<string, unknown>)[key]);
  return ordered;
}

export class AuditLogAppender {
  private readonly ranges = new Map<string, CompactRange>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: AuditLogRepository,
  ) {}

  async append(entries: readonly AuditEntry[]): Promise<AppendOutcome> {
    return this.appendHashed(entries.map(hashEntry));
  }

  /** Appends entries hashed beforehand (hashEntry), in the order given. */
  async appendHashed(entries: readonly HashedEntry[]): Promise<AppendOutcome> {
    const byLog = new Map<string, HashedEntry[]>();
    for (const hashed of entries) {
      const list = byLog.get(hashed.log);
      if (list === undefined) byLog.set(hashed.log, [hashed]);
      else list.push(hashed);
    }
    let appended: { count: number; grown: string[] };
    try {
      appended = await this.appendByLog(byLog, false);
    } catch (error) {
      if (!isKnownIdRefusal(error)) throw error;
      appended = await this.appendByLog(byLog, true);
    }
    return { appended: appended.count, duplicates: entries.length - appended.count, grown: appended.grown };
  }

  /** One transaction; `lookUp`: skip the ids already stored, else leave them to the unique constraint. */
  private async appendByLog(byLog: ReadonlyMap<string, readonly HashedEntry[]>, lookUp: boolean): Promise<{ count: number; grown: string[] }> {
    // Locks taken in one order by every replica: no deadlock between two batches.
    const logs = [...byLog.keys()].sort();
    const ranges = new Map<string, CompactRange>();
    const grown: string[] = [];
    let count = 0;
    await this.dataSource.transaction(async (manager) => {
      for (const log of logs) {
        const result = await this.appendToLog(manager, log, byLog.get(log)!, lookUp);
        ranges.set(log, result.range);
        count += result.appended;
        if (result.appended > 0) grown.push(log);
      }
    });
    // Only once committed does memory follow the database.
    for (const [log, range] of ranges) this.ranges.set(log, range);
    return { count, grown };
  }

  private async appendToLog(manager: EntityManager, log: string, entries: readonly HashedEntry[], lookUp: boolean): Promise<{ range: CompactRange; appended: number }> {
    await setTenant(manager, log);
    await this.repository.lock(manager, log);
    const size = await this.repository.sizeOf(manager, log);
    const known = lookUp ? await this.repository.existingIds(manager, log, entries.map(({ entry }) => entry.id)) : new Set<string>();
    const range = (await this.rangeOf(manager, log, size)).clone();
    const rows: EntryRow[] = [];
    const nodes: NodeRow[] = [];
    for (const { entry, text, leaf } of entries) {
      if (known.has(entry.id)) continue;
      known.add(entry.id);
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
    await this.repository.insert(manager, log, rows, nodes);
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
