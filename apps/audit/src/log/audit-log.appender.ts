// Appends entries of the stream to their logs, in the order given: one tree per tenant and one for
// the platform (entries without a tenant), each entry hashed as the JCS of its log form, its leaf
// and the nodes it completes stored in the same transaction. An entry id already in its log (a
// redelivery, a relay that published twice) is skipped: appended once. Such ids are rare (a batch
// delivered again after a restart), so a batch is first stored without looking its ids up: the
// unique (tenant_id, id) refuses the transaction whole if one is known, and it is then stored
// again with the ids looked up, the known ones skipped. The right edge of each tree (its compact
// range) is kept in memory between batches; the insert itself checks that the log has the size it
// was computed for, and the range is read back from the nodes when it has not (another replica
// appended in between, or the service restarted): two statements per log and batch in the usual
// case, the tenant and lock, then the insert. Hashing an entry needs nothing of its log, so it can
// be done before the log is locked (hashEntry), while another batch is being stored.
import type { DataSource, EntityManager } from 'typeorm';
import { CompactRange, leafOfText } from '@gardien/audit-log';
import { PLATFORM_TENANT_ID, type AuditEntry } from '@gardien/contracts';
import { isKnownIdRefusal, type AuditLogRepository, type EntryRow, type NodeRow } from './audit-log.repository.js';
import { logEntryText } from './log-entry-text.js';

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
  const { bytes, leaf } = leafOfText(logEntryText(entry));
  return { entry, log: logTenantOf(entry), text: bytes, leaf };
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

  /**
   * Appends entries hashed beforehand (hashEntry), in the order given. The batch's logs are shared
   * out among at most TRANSACTIONS transactions, run at once on connections of their own: a log is
   * in one of them only, so its order is kept, and each takes its locks in one order. When one
   * fails the others may have committed: the batch, given again, finds their entries known and
   * skips them, so that each is still appended once.
   */
  async appendHashed(entries: readonly HashedEntry[]): Promise<AppendOutcome> {
    const byLog = new Map<string, HashedEntry[]>();
    for (const hashed of entries) {
      const list = byLog.get(hashed.log);
      if (list === undefined) byLog.set(hashed.log, [hashed]);
      else list.push(hashed);
    }
    const settled = await Promise.allSettled(shareOut(byLog, TRANSACTIONS).map((logs) => this.appendLogs(logs, byLog)));
    let count = 0;
    const grown: string[] = [];
    for (const result of settled) {
      if (result.status === 'rejected') throw result.reason;
      count += result.value.count;
      grown.push(...result.value.grown);
    }
    return { appended: count, duplicates: entries.length - count, grown: grown.sort() };
  }

  /** The logs `logs` of the batch in one transaction: first without looking their ids up, then, if one is known, with. */
  private async appendLogs(logs: readonly string[], byLog: ReadonlyMap<string, readonly HashedEntry[]>): Promise<{ count: number; grown: string[] }> {
    try {
      return await this.appendByLog(logs, byLog, false);
    } catch (error) {
      if (!isKnownIdRefusal(error)) throw error;
      return this.appendByLog(logs, byLog, true);
    }
  }

  /** One transaction; `lookUp`: skip the ids already stored, else leave them to the unique constraint. */
  private async appendByLog(logs: readonly string[], byLog: ReadonlyMap<string, readonly HashedEntry[]>, lookUp: boolean): Promise<{ count: number; grown: string[] }> {
    const ranges = new Map<string, CompactRange>();
    const grown: string[] = [];
    let count = 0;
    await this.dataSource.transaction(async (manager) => {
      for (const log of logs) {
        const result = await this.appendToLog(manager, log, byLog.get(log)!, lookUp);
        if (result.range !== undefined) ranges.set(log, result.range);
        count += result.appended;
        if (result.appended > 0) grown.push(log);
      }
    });
    // Only once committed does memory follow the database.
    for (const [log, range] of ranges) this.ranges.set(log, range);
    return { count, grown };
  }

  private async appendToLog(manager: EntityManager, log: string, entries: readonly HashedEntry[], lookUp: boolean): Promise<{ range?: CompactRange; appended: number }> {
    await this.repository.lockAs(manager, log);
    const known = lookUp ? await this.repository.existingIds(manager, log, entries.map(({ entry }) => entry.id)) : new Set<string>();
    const fresh: HashedEntry[] = [];
    for (const hashed of entries) {
      if (known.has(hashed.entry.id)) continue;
      known.add(hashed.entry.id);
      fresh.push(hashed);
    }
    if (fresh.length === 0) return { appended: 0 };
    // The range in memory is the log's as this service last committed it; the insert checks, under
    // the lock, that the log still has that size, and stores nothing when another replica has
    // appended since (or the service restarted): the range is then read back at the size it found.
    let range = this.ranges.get(log) ?? (await this.storedRange(manager, log, await this.repository.sizeOf(manager, log)));
    for (let attempt = 1; ; attempt += 1) {
      const grown = range.clone();
      const { rows, nodes } = rowsOf(grown, fresh);
      const stored = await this.repository.insertAt(manager, log, range.size, rows, nodes);
      if (stored === range.size) return { range: grown, appended: rows.length };
      // Under the lock the size cannot change again: a second mismatch is a broken log, not a race.
      if (attempt > 1) throw new Error(`audit log of ${log}: its size moved from ${range.size} to ${stored} under the lock`);
      range = await this.storedRange(manager, log, stored);
    }
  }

  /** The compact range of a log of `size` entries, from its stored nodes. */
  private async storedRange(manager: EntityManager, log: string, size: number): Promise<CompactRange> {
    const refs = CompactRange.nodesOf(size);
    const node = await this.repository.requiredNodes(manager, log, refs);
    return new CompactRange(size, refs.map(node));
  }
}

/**
 * How many transactions a batch is stored in at once, at most, each on a connection of the pool
 * (10 by default). Postgres inserting a batch's rows and their indexes was most of the time a
 * batch took, on one backend, one core, while the service waited: logs apart go on backends apart.
 */
const TRANSACTIONS = 4;

/**
 * The logs shared out among at most `count` groups of about as many entries each (the largest log
 * first, to the group with the fewest), each group's logs in sorted order: every transaction takes
 * its locks in one order, so that no two of them, in this replica or another, wait for each other.
 */
function shareOut(byLog: ReadonlyMap<string, readonly HashedEntry[]>, count: number): string[][] {
  const groups = Array.from({ length: Math.min(count, byLog.size) }, () => ({ logs: [] as string[], entries: 0 }));
  const largestFirst = [...byLog].sort(([a, x], [b, y]) => y.length - x.length || (a < b ? -1 : 1));
  for (const [log, entries] of largestFirst) {
    const smallest = groups.reduce((min, group) => (group.entries < min.entries ? group : min));
    smallest.logs.push(log);
    smallest.entries += entries.length;
  }
  return groups.map((group) => group.logs.sort());
}

/** The rows of `entries` appended, in order, to the tree `range` (which they grow), and the nodes they complete. */
function rowsOf(range: CompactRange, entries: readonly HashedEntry[]): { rows: EntryRow[]; nodes: NodeRow[] } {
  const rows: EntryRow[] = [];
  const nodes: NodeRow[] = [];
  for (const { entry, text, leaf } of entries) {
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
    for (const node of range.append(leaf)) nodes.push(node);
  }
  return { rows, nodes };
}
