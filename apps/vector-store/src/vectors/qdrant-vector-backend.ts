// The Qdrant backend (production): one Qdrant collection per embedding model and dimension, the
// tenant an indexed payload field (`is_tenant: true`, so that Qdrant keeps each tenant's points
// together), every search, count and delete filtered by it. The filter is built here, from the
// verified tenant this adapter is given and nothing else: `tenantFilter` is the one place that
// makes it, and a PointFilter has no tenant field to carry another. Payloads hold ids and codes
// only (tenant, document, collection, purpose, classification, owner, subject, metadata codes);
// the chunk text stays sealed in Postgres. Any failure to reach Qdrant is `vector_backend_unavailable`.
import { createHash } from 'node:crypto';
import { QdrantClient, type Schemas } from '@qdrant/js-client-rest';
import { VectorStoreReason, vectorStoreError } from '../vector-store.errors.js';
import type { PointFilter, VectorBackend, VectorHit, VectorPoint, VectorSpace } from './vector-backend.port.js';
import { grantsAnything } from './point-predicate.js';

type Condition = Schemas['Condition'];
type Filter = Schemas['Filter'];

export interface QdrantBackendOptions {
  url: string;
  apiKey?: string;
  /** Of every request to Qdrant. */
  timeoutMs?: number;
  /** Prefix of the collections' names (one deployment's). */
  prefix?: string;
}

/** Payload fields a filter reads, each indexed as a keyword; the tenant's is the tenant index. */
const INDEXED_FIELDS = ['document_id', 'collection', 'purpose', 'classification', 'owner_id', 'subject_id'] as const;

export class QdrantVectorBackend implements VectorBackend {
  readonly kind = 'qdrant' as const;
  private readonly client: QdrantClient;
  private readonly prefix: string;
  private readonly ensured = new Map<string, Promise<void>>();

  constructor(options: QdrantBackendOptions) {
    this.client = new QdrantClient({
      url: options.url,
      ...(options.apiKey ? { apiKey: options.apiKey } : {}),
      timeout: options.timeoutMs ?? 10_000,
      checkCompatibility: false,
    });
    this.prefix = options.prefix ?? 'gardien';
  }

  /** The Qdrant collection of a space: its model's name made safe (and told apart by a hash), and its dimension. */
  collectionOf(space: VectorSpace): string {
    const slug = space.model.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 48);
    const hash = createHash('sha256').update(space.model).digest('hex').slice(0, 8);
    return `${this.prefix}_${slug}-${hash}_${space.dimensions}`;
  }

  ensureSpace(space: VectorSpace): Promise<void> {
    const name = this.collectionOf(space);
    let pending = this.ensured.get(name);
    if (!pending) {
      pending = this.createIfAbsent(name, space);
      this.ensured.set(name, pending);
      pending.catch(() => this.ensured.delete(name));
    }
    return pending;
  }

  async ensureRoom(): Promise<void> {
    // Qdrant holds a tenant's points on its own storage: no bound of this service's memory applies.
  }

  async upsert(tenantId: string, space: VectorSpace, points: readonly VectorPoint[]): Promise<void> {
    if (points.length === 0) return;
    for (const point of points) if (point.vector.length !== space.dimensions) throw new Error('a vector of another dimension than its space');
    await this.ensureSpace(space);
    await reach(() =>
      this.client.upsert(this.collectionOf(space), {
        wait: true,
        points: points.map((point) => ({ id: point.id, vector: Array.from(point.vector), payload: payloadOf(tenantId, point) })),
      }),
    );
  }

  async search(tenantId: string, space: VectorSpace, query: Float32Array, k: number, filter: PointFilter): Promise<VectorHit[]> {
    if (query.length !== space.dimensions) throw new Error('a query of another dimension than its space');
    if (!grantsAnything(filter)) return [];
    await this.ensureSpace(space);
    const answer = await reach(() =>
      this.client.query(this.collectionOf(space), { query: Array.from(query), limit: k, filter: tenantFilter(tenantId, conditionsOf(filter)), with_payload: ['document_id'] }),
    );
    return answer.points.map((point) => ({ id: String(point.id), documentId: String(point.payload?.document_id), score: point.score }));
  }

  async deleteDocument(tenantId: string, documentId: string, spaces: readonly VectorSpace[]): Promise<number> {
    return this.deleteMatching(tenantId, spaces, { key: 'document_id', match: { value: documentId } });
  }

  async deleteSubject(tenantId: string, subjectId: string, spaces: readonly VectorSpace[]): Promise<number> {
    return this.deleteMatching(tenantId, spaces, { key: 'subject_id', match: { value: subjectId } });
  }

  async deletePoints(tenantId: string, ids: readonly string[], spaces: readonly VectorSpace[]): Promise<number> {
    if (ids.length === 0) return 0;
    return this.deleteMatching(tenantId, spaces, { has_id: [...ids] });
  }

  async deleteTenant(tenantId: string, spaces: readonly VectorSpace[]): Promise<number> {
    return this.deleteMatching(tenantId, spaces);
  }

  async countDocument(tenantId: string, documentId: string, spaces: readonly VectorSpace[]): Promise<number> {
    let total = 0;
    for (const space of spaces) {
      await this.ensureSpace(space);
      const filter = tenantFilter(tenantId, [{ key: 'document_id', match: { value: documentId } }]);
      total += (await reach(() => this.client.count(this.collectionOf(space), { filter, exact: true }))).count;
    }
    return total;
  }

  async close(): Promise<void> {
    this.ensured.clear();
  }

  /** Deletes the tenant's points that meet the condition (none: every point of the tenant). */
  private async deleteMatching(tenantId: string, spaces: readonly VectorSpace[], condition?: Condition): Promise<number> {
    let removed = 0;
    for (const space of spaces) {
      await this.ensureSpace(space);
      const name = this.collectionOf(space);
      const filter = tenantFilter(tenantId, condition ? [condition] : []);
      removed += (await reach(() => this.client.count(name, { filter, exact: true }))).count;
      await reach(() => this.client.delete(name, { wait: true, filter }));
    }
    return removed;
  }

  private async createIfAbsent(name: string, space: VectorSpace): Promise<void> {
    const { exists } = await reach(() => this.client.collectionExists(name));
    if (exists) {
      const info = await reach(() => this.client.getCollection(name));
      const vectors = info.config.params.vectors as { size?: number } | undefined;
      if (vectors?.size !== space.dimensions) throw vectorStoreError(VectorStoreReason.VectorSpaceMisconfigured);
      return;
    }
    // Multitenancy as Qdrant advises it: no global HNSW graph (m: 0), one per tenant (payload_m).
    await reach(() => this.client.createCollection(name, { vectors: { size: space.dimensions, distance: 'Cosine' }, hnsw_config: { payload_m: 16, m: 0 } }));
    await reach(() => this.client.createPayloadIndex(name, { wait: true, field_name: 'tenant_id', field_schema: { type: 'keyword', is_tenant: true } }));
    for (const field of INDEXED_FIELDS) await reach(() => this.client.createPayloadIndex(name, { wait: true, field_name: field, field_schema: 'keyword' }));
  }
}

/** Every filter this adapter sends: the verified tenant first, then the request's own conditions. */
export function tenantFilter(tenantId: string, conditions: readonly Condition[]): Filter {
  return { must: [{ key: 'tenant_id', match: { value: tenantId } }, ...conditions] };
}

function conditionsOf(filter: PointFilter): Condition[] {
  const conditions: Condition[] = [{ key: 'collection', match: { value: filter.collection } }];
  if (filter.purpose !== undefined) conditions.push({ key: 'purpose', match: { value: filter.purpose } });
  if (filter.documentIds) conditions.push({ key: 'document_id', match: { any: [...filter.documentIds] } });
  if (filter.classifications) conditions.push({ key: 'classification', match: { any: [...filter.classifications] } });
  if (filter.subjectId !== undefined) conditions.push({ key: 'subject_id', match: { value: filter.subjectId } });
  for (const [field, value] of Object.entries(filter.metadata ?? {})) conditions.push({ key: `metadata.${field}`, match: { value } });
  conditions.push({ should: accessConditions(filter) });
  return conditions;
}

/** What the caller may read: classifications readable in any document, or in its own only. */
function accessConditions({ access }: PointFilter): Condition[] {
  const allowed: Condition[] = [];
  if (access.anyOwner.length > 0) allowed.push({ key: 'classification', match: { any: [...access.anyOwner] } });
  if (access.ownOnly && access.ownOnly.classifications.length > 0) {
    allowed.push({ must: [{ key: 'owner_id', match: { value: access.ownOnly.ownerId } }, { key: 'classification', match: { any: [...access.ownOnly.classifications] } }] });
  }
  return allowed;
}

function payloadOf(tenantId: string, point: VectorPoint): Record<string, unknown> {
  return {
    tenant_id: tenantId,
    document_id: point.documentId,
    collection: point.collection,
    purpose: point.purpose,
    classification: point.classification,
    owner_id: point.ownerId,
    ...(point.subjectId ? { subject_id: point.subjectId } : {}),
    metadata: { ...point.metadata },
  };
}

/** Runs a call to Qdrant; whatever keeps it from answering (refused, timed out, an error status) is one reason. */
async function reach<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch {
    throw vectorStoreError(VectorStoreReason.VectorBackendUnavailable);
  }
}
