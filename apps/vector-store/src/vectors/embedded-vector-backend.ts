// The embedded backend: vectors in the service's own Postgres (vector_points, row-level security
// FORCEd, every statement in a transaction of the caller's tenant), searched in an in-memory index
// per tenant and vector space, loaded on first use. Each change of a tenant's points bumps its
// version (vector_index_versions) in the same transaction; a searched index reads that version again
// in the background every `versionCheckMs`, and one that is behind (another replica wrote, or this one
// missed a change) is loaded again beside it, then swapped in.
// Nothing is written anywhere but Postgres: no file of its own.
import type { DataSource, EntityManager } from 'typeorm';
import { setTenant, withTenant } from '@gardien/persistence';
import { VectorStoreReason, vectorStoreError } from '../vector-store.errors.js';
import { TenantVectorIndex, type IndexedPoint } from './tenant-vector-index.js';
import { grantsAnything, pointPredicate } from './point-predicate.js';
import type { PointFilter, VectorBackend, VectorHit, VectorPoint, VectorSpace } from './vector-backend.port.js';

export interface EmbeddedBackendOptions {
  /**
   * Points held in memory across every tenant's index; the least recently searched indexes go
   * first. Also the most one tenant's space may hold (more is refused, vector_space_full): an index
   * larger than the bound would push every other tenant's out of memory, and still not fit.
   */
  maxCachedPoints?: number;
  /**
   * How often a searched index asks Postgres for its version, in the background (the search itself
   * never waits for it: the index it has is searched, and one behind is loaded again beside it):
   * points another replica adds become searchable here within about this time. This replica's own
   * changes apply at once, and nothing removed (a deletion, an erasure, a purge) is ever served:
   * results are opened from the chunk rows, which are gone.
   */
  versionCheckMs?: number;
  now?: () => number;
}

interface CachedIndex {
  version: string;
  index: TenantVectorIndex;
  usedAt: number;
  checkedAt: number;
  checking?: Promise<void> | undefined;
}

interface PointRow {
  id: string;
  document_id: string;
  collection: string;
  purpose: string;
  classification: IndexedPoint['classification'];
  owner_id: string;
  subject_id: string | null;
  metadata: Record<string, string>;
  vector: Buffer;
}

/** The name of a vector space in the tables: its model and dimension. */
export function spaceKey(space: VectorSpace): string {
  return `${space.model}#${space.dimensions}`;
}

export class EmbeddedVectorBackend implements VectorBackend {
  readonly kind = 'embedded' as const;
  private readonly indexes = new Map<string, CachedIndex>();
  /** Indexes being loaded: concurrent searches of one wait for the same load. */
  private readonly loading = new Map<string, Promise<TenantVectorIndex>>();
  private readonly maxCachedPoints: number;
  private readonly versionCheckMs: number;
  private readonly now: () => number;
  private clock = 0;

  constructor(
    private readonly dataSource: DataSource,
    options: EmbeddedBackendOptions = {},
  ) {
    this.maxCachedPoints = options.maxCachedPoints ?? 200_000;
    this.versionCheckMs = options.versionCheckMs ?? 250;
    this.now = options.now ?? Date.now;
  }

  async ensureSpace(): Promise<void> {
    // The table holds every space; nothing to create.
  }

  async ensureRoom(tenantId: string, space: VectorSpace, count: number): Promise<void> {
    const held = await withTenant(this.dataSource, tenantId, (manager) => pointsOf(manager, spaceKey(space)));
    if (held + count > this.maxCachedPoints) throw vectorStoreError(VectorStoreReason.VectorSpaceFull);
  }

  async upsert(tenantId: string, space: VectorSpace, points: readonly VectorPoint[]): Promise<void> {
    if (points.length === 0) return;
    for (const point of points) if (point.vector.length !== space.dimensions) throw new Error('a vector of another dimension than its space');
    const key = spaceKey(space);
    const version = await withTenant(this.dataSource, tenantId, async (manager) => {
      await manager.query(
        `INSERT INTO vector_points (id, tenant_id, document_id, space, collection, purpose, classification, owner_id, subject_id, metadata, vector, created_at)
         SELECT id, $1, document_id, $2, collection, purpose, classification, owner_id, subject_id, metadata, vector, now()
           FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[], $9::uuid[], $10::jsonb[], $11::bytea[])
             AS p (id, document_id, collection, purpose, classification, owner_id, subject_id, metadata, vector)
         ON CONFLICT (id) DO UPDATE SET vector = EXCLUDED.vector, classification = EXCLUDED.classification, metadata = EXCLUDED.metadata`,
        [
          tenantId,
          key,
          points.map((p) => p.id),
          points.map((p) => p.documentId),
          points.map((p) => p.collection),
          points.map((p) => p.purpose),
          points.map((p) => p.classification),
          points.map((p) => p.ownerId),
          points.map((p) => p.subjectId),
          points.map((p) => JSON.stringify(p.metadata)),
          points.map((p) => encodeVector(p.vector)),
        ],
      );
      // The version row, locked by its bump until this commits, lines up the tenant's writers of the space: the count sees theirs.
      const bumped = await bumpVersion(manager, tenantId, key);
      if ((await pointsOf(manager, key)) > this.maxCachedPoints) throw vectorStoreError(VectorStoreReason.VectorSpaceFull);
      return bumped;
    });
    this.applyLocally(tenantId, key, version, (index) => index.upsert(points));
  }

  async search(tenantId: string, space: VectorSpace, query: Float32Array, k: number, filter: PointFilter): Promise<VectorHit[]> {
    if (query.length !== space.dimensions) throw new Error('a query of another dimension than its space');
    if (!grantsAnything(filter)) return [];
    const index = await this.indexOf(tenantId, space);
    return index.search(query, k, pointPredicate(filter));
  }

  async deleteDocument(tenantId: string, documentId: string): Promise<number> {
    return this.deleteWhere(tenantId, 'document_id = $1', documentId, (point) => point.documentId === documentId);
  }

  async deleteSubject(tenantId: string, subjectId: string): Promise<number> {
    return this.deleteWhere(tenantId, 'subject_id = $1', subjectId, (point) => point.subjectId === subjectId);
  }

  async deletePoints(tenantId: string, ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const wanted = new Set(ids);
    return this.deleteWhere(tenantId, 'id = ANY($1::uuid[])', [...wanted], (point) => wanted.has(point.id));
  }

  /** Every point of the tenant and its index versions, then its indexes in this replica's memory (another replica's sees its version gone, and loads nothing). */
  async deleteTenant(tenantId: string): Promise<number> {
    const removed = await withTenant(this.dataSource, tenantId, async (manager) => {
      const [, count]: [unknown[], number] = await manager.query('DELETE FROM vector_points WHERE tenant_id = $1', [tenantId]);
      await manager.query('DELETE FROM vector_index_versions WHERE tenant_id = $1', [tenantId]);
      return count;
    });
    for (const key of [...this.indexes.keys()]) if (key.startsWith(`${tenantId}/`)) this.indexes.delete(key);
    return removed;
  }

  async countDocument(tenantId: string, documentId: string): Promise<number> {
    const [row] = await withTenant(this.dataSource, tenantId, (manager) =>
      manager.query<Array<{ n: number }>>('SELECT count(*)::int AS n FROM vector_points WHERE document_id = $1', [documentId]),
    );
    return row?.n ?? 0;
  }

  async close(): Promise<void> {
    await this.settled();
    this.indexes.clear();
  }

  /** Points of the tenant held in memory (tests: what an erasure leaves there). */
  cachedPoints(tenantId: string, space: VectorSpace): number | undefined {
    return this.indexes.get(cacheKey(tenantId, spaceKey(space)))?.index.size;
  }

  private async deleteWhere(tenantId: string, where: string, value: string | string[], matches: (point: IndexedPoint) => boolean): Promise<number> {
    const { removed, versions } = await withTenant(this.dataSource, tenantId, async (manager) => {
      const rows: Array<{ space: string }> = (await manager.query(`DELETE FROM vector_points WHERE ${where} RETURNING space`, [value]))[0] ?? [];
      const touched = [...new Set(rows.map((row) => row.space))];
      const bumped = new Map<string, string>();
      for (const space of touched) bumped.set(space, await bumpVersion(manager, tenantId, space));
      return { removed: rows.length, versions: bumped };
    });
    for (const [space, version] of versions) this.applyLocally(tenantId, space, version, (index) => index.removeWhere(matches));
    return removed;
  }

  /** Applies a committed change to the cached index when it was the very next version; else drops the index (loaded again on use). */
  private applyLocally(tenantId: string, space: string, version: string, change: (index: TenantVectorIndex) => void): void {
    const key = cacheKey(tenantId, space);
    const cached = this.indexes.get(key);
    if (!cached) return;
    if (BigInt(cached.version) + 1n !== BigInt(version)) {
      this.indexes.delete(key);
      return;
    }
    change(cached.index);
    cached.version = version;
  }

  private async indexOf(tenantId: string, space: VectorSpace): Promise<TenantVectorIndex> {
    const key = cacheKey(tenantId, spaceKey(space));
    const cached = this.indexes.get(key);
    if (cached) {
      cached.usedAt = ++this.clock;
      if (this.now() - cached.checkedAt >= this.versionCheckMs && !cached.checking) {
        cached.checking = this.revalidate(tenantId, space, key, cached)
          .catch(() => undefined)
          .finally(() => (cached.checking = undefined));
      }
      return cached.index;
    }
    const pending = this.loading.get(key);
    if (pending) return pending;
    const load = this.load(tenantId, space)
      .then((loaded) => {
        this.indexes.set(key, { ...loaded, usedAt: ++this.clock, checkedAt: this.now() });
        this.evict(key);
        return loaded.index;
      })
      .finally(() => this.loading.delete(key));
    this.loading.set(key, load);
    return load;
  }

  /** Loads the index again if Postgres holds a newer version of it, and swaps it in unless it changed meanwhile. */
  private async revalidate(tenantId: string, space: VectorSpace, key: string, cached: CachedIndex): Promise<void> {
    const checkedAt = this.now();
    const current = await withTenant(this.dataSource, tenantId, (manager) => versionOf(manager, spaceKey(space)));
    if (current === cached.version) {
      cached.checkedAt = checkedAt;
      return;
    }
    const loaded = await this.load(tenantId, space);
    if (this.indexes.get(key) === cached) this.indexes.set(key, { ...loaded, usedAt: cached.usedAt, checkedAt });
  }

  /** Settles the background version checks under way (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.indexes.values()].map((cached) => cached.checking));
  }

  /** The tenant's points of the space and their version, read in one snapshot. */
  private async load(tenantId: string, space: VectorSpace): Promise<{ version: string; index: TenantVectorIndex }> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      await setTenant(manager, tenantId);
      const key = spaceKey(space);
      const version = await versionOf(manager, key);
      const rows: PointRow[] = await manager.query(
        'SELECT id, document_id, collection, purpose, classification, owner_id, subject_id::text AS subject_id, metadata, vector FROM vector_points WHERE space = $1',
        [key],
      );
      const index = new TenantVectorIndex(space.dimensions, rows.length);
      index.upsert(
        rows.map((row) => ({
          id: row.id,
          documentId: row.document_id,
          collection: row.collection,
          purpose: row.purpose,
          classification: row.classification,
          ownerId: row.owner_id,
          subjectId: row.subject_id,
          metadata: row.metadata,
          vector: decodeVector(row.vector),
        })),
      );
      return { version, index };
    });
  }

  private evict(keep: string): void {
    let total = [...this.indexes.values()].reduce((sum, cached) => sum + cached.index.size, 0);
    const oldestFirst = [...this.indexes.entries()].filter(([key]) => key !== keep).sort((a, b) => a[1].usedAt - b[1].usedAt);
    for (const [key, cached] of oldestFirst) {
      if (total <= this.maxCachedPoints) return;
      this.indexes.delete(key);
      total -= cached.index.size;
    }
  }
}

function cacheKey(tenantId: string, space: string): string {
  return `${tenantId}/${space}`;
}

/** The tenant's points of the space (the transaction's tenant, by row-level security). */
async function pointsOf(manager: EntityManager, space: string): Promise<number> {
  const [row]: Array<{ n: number }> = await manager.query('SELECT count(*)::int AS n FROM vector_points WHERE space = $1', [space]);
  return row?.n ?? 0;
}

async function versionOf(manager: EntityManager, space: string): Promise<string> {
  const [row]: Array<{ version: string }> = await manager.query('SELECT version::text AS version FROM vector_index_versions WHERE space = $1', [space]);
  return row?.version ?? '0';
}

async function bumpVersion(manager: EntityManager, tenantId: string, space: string): Promise<string> {
  const [row]: Array<{ version: string }> = await manager.query(
    `INSERT INTO vector_index_versions (tenant_id, space, version) VALUES ($1, $2, 1)
     ON CONFLICT (tenant_id, space) DO UPDATE SET version = vector_index_versions.version + 1 RETURNING version::text AS version`,
    [tenantId, space],
  );
  return row!.version;
}

/** float32, little-endian, as the bytes of the array (every platform Node runs on here is little-endian). */
export function encodeVector(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

export function decodeVector(bytes: Buffer): Float32Array {
  const copy = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(copy.buffer).set(bytes);
  return copy;
}
