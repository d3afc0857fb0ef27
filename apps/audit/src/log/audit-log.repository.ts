// The queries of the audit log, and nothing else: entries, the nodes of each tree, tree heads.
// Every one runs in a transaction whose tenant is set (row-level security): the log of that tenant,
// or the platform's under the platform tenant's id.
import type { EntityManager } from 'typeorm';
import type { NodeRef } from '@gardien/audit-log';
import { TENANT_SETTING } from '@gardien/persistence';
import { byteaArray, int2Array, int8Array, textArray, uuidArray } from './binary-arrays.js';

export interface EntryRow {
  idx: number;
  id: string;
  ts: string;
  service: string;
  action: string;
  outcome: string;
  actorType: string;
  actorId: string;
  targetType: string | null;
  targetId: string | null;
  /** The JCS text that was hashed, in UTF-8. */
  entry: Buffer;
  leafHash: Buffer;
}

export interface NodeRow extends NodeRef {
  hash: Buffer;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const nodeKey = (ref: NodeRef) => `${ref.level}:${ref.index}`;

/** An entry as read back: its index, the JCS text that was hashed, its leaf hash. */
export interface StoredEntry {
  idx: number;
  entry: string;
  leafHash: Buffer;
}

export interface EntryFilters {
  from?: string;
  to?: string;
  action?: string;
  actor?: string;
  target?: string;
  outcome?: string;
}

type StoredRow = { idx: string; entry: string; leaf_hash: Buffer };
const stored = (row: StoredRow): StoredEntry => ({ idx: Number(row.idx), entry: row.entry, leafHash: row.leaf_hash });

export class AuditLogRepository {
  /**
   * Sets the tenant of the transaction to the log's and serialises appends to that log across
   * replicas, both until the transaction ends: one statement (a round trip per log and batch less).
   */
  async lockAs(manager: EntityManager, tenantId: string): Promise<void> {
    if (!UUID.test(tenantId)) throw new Error('tenant id must be a uuid');
    await manager.query('SELECT set_config($1, $2, true), pg_advisory_xact_lock(hashtextextended($3, 0))', [TENANT_SETTING, tenantId, `gardien-audit:${tenantId}`]);
  }

  /** The number of entries of the log: its last index plus one. */
  async sizeOf(manager: EntityManager, tenantId: string): Promise<number> {
    const rows: Array<{ idx: string }> = await manager.query('SELECT idx FROM audit_entries WHERE tenant_id = $1 ORDER BY idx DESC LIMIT 1', [tenantId]);
    return rows.length === 0 ? 0 : Number(rows[0]!.idx) + 1;
  }

  /** The ids among `ids` already in the log. */
  async existingIds(manager: EntityManager, tenantId: string, ids: readonly string[]): Promise<Set<string>> {
    const rows: Array<{ id: string }> = await manager.query('SELECT id FROM audit_entries WHERE tenant_id = $1 AND id = ANY($2::uuid[])', [tenantId, uuidArray(ids)]);
    return new Set(rows.map((row) => row.id));
  }

  /** The hashes of the nodes `refs` names (level 0: leaf hashes), by `level:index`; a missing node is absent. */
  async nodes(manager: EntityManager, tenantId: string, refs: readonly NodeRef[]): Promise<Map<string, Buffer>> {
    const found = new Map<string, Buffer>();
    const leaves = refs.filter((ref) => ref.level === 0).map((ref) => ref.index);
    const inner = refs.filter((ref) => ref.level > 0);
    if (leaves.length > 0) {
      const rows: Array<{ idx: string; leaf_hash: Buffer }> = await manager.query('SELECT idx, leaf_hash FROM audit_entries WHERE tenant_id = $1 AND idx = ANY($2::bigint[])', [tenantId, leaves]);
      for (const row of rows) found.set(nodeKey({ level: 0, index: Number(row.idx) }), row.leaf_hash);
    }
    if (inner.length > 0) {
      const rows: Array<{ level: number; idx: string; hash: Buffer }> = await manager.query(
        `SELECT n.level, n.idx, n.hash FROM audit_nodes n
           JOIN unnest($2::smallint[], $3::bigint[]) AS wanted(level, idx) ON n.level = wanted.level AND n.idx = wanted.idx
          WHERE n.tenant_id = $1`,
        [tenantId, inner.map((ref) => ref.level), inner.map((ref) => ref.index)],
      );
      for (const row of rows) found.set(nodeKey({ level: row.level, index: Number(row.idx) }), row.hash);
    }
    return found;
  }

  /** Up to `limit` entries after index `after` that match every filter given, in index order. */
  async page(manager: EntityManager, tenantId: string, filters: EntryFilters, after: number, limit: number): Promise<StoredEntry[]> {
    const rows: StoredRow[] = await manager.query(
      `SELECT idx, entry, leaf_hash FROM audit_entries
        WHERE tenant_id = $1 AND idx > $2
          AND ($3::timestamptz IS NULL OR ts >= $3) AND ($4::timestamptz IS NULL OR ts < $4)
          AND ($5::text IS NULL OR action = $5) AND ($6::text IS NULL OR actor_id = $6)
          AND ($7::text IS NULL OR target_id = $7) AND ($8::text IS NULL OR outcome = $8)
        ORDER BY idx LIMIT $9`,
      [tenantId, after, filters.from ?? null, filters.to ?? null, filters.action ?? null, filters.actor ?? null, filters.target ?? null, filters.outcome ?? null, limit],
    );
    return rows.map(stored);
  }

  /** The entries of indexes [from, to], in index order. */
  async range(manager: EntityManager, tenantId: string, from: number, to: number): Promise<StoredEntry[]> {
    const rows: StoredRow[] = await manager.query('SELECT idx, entry, leaf_hash FROM audit_entries WHERE tenant_id = $1 AND idx BETWEEN $2 AND $3 ORDER BY idx', [tenantId, from, to]);
    return rows.map(stored);
  }

  /**
   * The nodes `refs` names, each read once, as a function that gives each: a node missing from a
   * stored tree is a broken log, and fails loudly rather than folding into a wrong root.
   */
  async requiredNodes(manager: EntityManager, tenantId: string, refs: readonly NodeRef[]): Promise<(ref: NodeRef) => Buffer> {
    const distinct = [...new Map(refs.map((ref) => [nodeKey(ref), ref])).values()];
    const found = await this.nodes(manager, tenantId, distinct);
    return (ref) => {
      const hash = found.get(nodeKey(ref));
      if (hash === undefined) throw new Error(`audit log of ${tenantId}: node ${nodeKey(ref)} is missing`);
      return hash;
    };
  }

  /**
   * Stores entries and the nodes they complete, in one statement, if the log still holds `size`
   * entries (the index of the first row); returns the size it holds, read in the same statement,
   * after the lock: when it is not `size`, nothing was stored. The columns go as binary arrays
   * (see binary-arrays.ts); the timestamps as text, which the server reads as it always has.
   */
  async insertAt(manager: EntityManager, tenantId: string, size: number, rows: readonly EntryRow[], nodes: readonly NodeRow[]): Promise<number> {
    const column = <K extends keyof EntryRow>(key: K) => rows.map((row) => row[key]);
    const found: Array<{ size: string }> = await manager.query(
      `WITH stored AS (SELECT coalesce(max(idx) + 1, 0) AS size FROM audit_entries WHERE tenant_id = $1),
       entries AS (
         INSERT INTO audit_entries (tenant_id, idx, id, ts, service, action, outcome, actor_type, actor_id, target_type, target_id, entry, leaf_hash)
         SELECT $1, * FROM unnest($2::bigint[], $3::uuid[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::bytea[])
          WHERE (SELECT size FROM stored) = $17::bigint
       ),
       nodes AS (
         INSERT INTO audit_nodes (tenant_id, level, idx, hash) SELECT $1, * FROM unnest($14::smallint[], $15::bigint[], $16::bytea[])
          WHERE (SELECT size FROM stored) = $17::bigint
       )
       SELECT size FROM stored`,
      [
        tenantId,
        int8Array(column('idx')),
        uuidArray(column('id')),
        column('ts'),
        textArray(column('service')),
        textArray(column('action')),
        textArray(column('outcome')),
        textArray(column('actorType')),
        textArray(column('actorId')),
        textArray(column('targetType')),
        textArray(column('targetId')),
        textArray(column('entry')),
        byteaArray(column('leafHash')),
        int2Array(nodes.map((node) => node.level)),
        int8Array(nodes.map((node) => node.index)),
        byteaArray(nodes.map((node) => node.hash)),
        size,
      ],
    );
    return Number(found[0]!.size);
  }
}

/** Whether `error` is the refusal of an entry whose id its log already holds (the unique (tenant_id, id) of audit_entries). */
export function isKnownIdRefusal(error: unknown): boolean {
  const driverError = (error as { driverError?: { code?: unknown; constraint?: unknown } } | null)?.driverError ?? (error as { code?: unknown; constraint?: unknown } | null);
  return driverError?.code === '23505' && driverError.constraint === 'audit_entries_tenant_id_id_key';
}

export { nodeKey };
