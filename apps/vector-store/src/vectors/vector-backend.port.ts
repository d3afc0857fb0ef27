// The port of the vector store: where vectors live and are searched, one tenant at a time. Two
// adapters: the embedded one (the service's own Postgres under row-level security, searched in an
// in-memory index per tenant) and Qdrant. The tenant of every call is the verified caller's,
// passed apart from anything a request carries: a filter has no tenant field, and each adapter
// builds its tenant condition itself from `tenantId` alone. Points carry ids and codes only: the
// chunk text stays in Postgres, sealed.
import type { DocumentClassification } from '@gardien/contracts';
import { VectorStoreReason, vectorStoreError } from '../vector-store.errors.js';

export const VECTOR_BACKEND = Symbol('VECTOR_BACKEND');

/** A vector space: one embedding model and its dimension (one Qdrant collection per model). */
export interface VectorSpace {
  readonly model: string;
  readonly dimensions: number;
}

export interface VectorPoint {
  /** The chunk's id (a uuid the service makes, never the caller). */
  readonly id: string;
  readonly documentId: string;
  readonly collection: string;
  readonly purpose: string;
  readonly classification: DocumentClassification;
  /** The principal that ingested the document (ownership conditions of the ABAC rules). */
  readonly ownerId: string;
  readonly subjectId: string | null;
  readonly metadata: Readonly<Record<string, string>>;
  /** Of the space's dimension; stored normalised (scores are cosine similarities). */
  readonly vector: Float32Array;
}

/**
 * What the caller may read, as conditions on points: classifications readable whoever owns the
 * document, and classifications readable only in the caller's own documents.
 */
export interface AccessCondition {
  readonly anyOwner: readonly DocumentClassification[];
  readonly ownOnly: { readonly ownerId: string; readonly classifications: readonly DocumentClassification[] } | null;
}

export interface PointFilter {
  readonly collection: string;
  readonly access: AccessCondition;
  readonly purpose?: string;
  readonly documentIds?: readonly string[];
  readonly classifications?: readonly DocumentClassification[];
  readonly subjectId?: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

export interface VectorHit {
  readonly id: string;
  readonly documentId: string;
  readonly score: number;
}

export interface VectorBackend {
  readonly kind: 'embedded' | 'qdrant';
  /** Makes the space usable (a Qdrant collection and its payload indexes); refuses a space whose stored dimension differs. */
  ensureSpace(space: VectorSpace): Promise<void>;
  /**
   * Refuses (413 vector_space_full) when `count` more points would take the tenant's space past what
   * the backend holds for one tenant: the embedded backend searches a tenant's space in memory, so
   * no tenant's may outgrow its bound (GARDIEN_VECTOR_INDEX_MAX_POINTS); Qdrant has none here.
   */
  ensureRoom(tenantId: string, space: VectorSpace, count: number): Promise<void>;
  /** Stores the points (refused as ensureRoom says, nothing written, when they would not fit). */
  upsert(tenantId: string, space: VectorSpace, points: readonly VectorPoint[]): Promise<void>;
  /** The `k` nearest points of the tenant that pass the filter, closest first. */
  search(tenantId: string, space: VectorSpace, query: Float32Array, k: number, filter: PointFilter): Promise<VectorHit[]>;
  /** Removes the document's points (in every space); answers how many went. */
  deleteDocument(tenantId: string, documentId: string, spaces: readonly VectorSpace[]): Promise<number>;
  /** Removes every point of the subject in the tenant (erasure); answers how many went. */
  deleteSubject(tenantId: string, subjectId: string, spaces: readonly VectorSpace[]): Promise<number>;
  /** Removes the tenant's points of these ids (in every space); answers how many went. */
  deletePoints(tenantId: string, ids: readonly string[], spaces: readonly VectorSpace[]): Promise<number>;
  /** Removes every point of the tenant, in every space (the tenant's erasure); answers how many went. */
  deleteTenant(tenantId: string, spaces: readonly VectorSpace[]): Promise<number>;
  /** Points of the tenant's document, for checks (tests, ingestion reports). */
  countDocument(tenantId: string, documentId: string, spaces: readonly VectorSpace[]): Promise<number>;
  close(): Promise<void>;
}

/**
 * Scales a vector to unit length (dot products are then cosines), after its conversion to float32.
 * Refused (400 vector_invalid) when a component is not finite as a float32 (NaN, an infinity, a
 * value beyond ±3.4e38) or the norm is zero (every component 0, or below float32's smallest): a
 * search could only answer NaN scores.
 */
export function normalised(vector: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(vector);
  let norm = 0;
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i]!)) throw invalidVector();
    norm += out[i]! * out[i]!;
  }
  if (norm === 0 || !Number.isFinite(norm)) throw invalidVector();
  const scale = 1 / Math.sqrt(norm);
  for (let i = 0; i < out.length; i++) out[i] *= scale;
  return out;
}

function invalidVector() {
  return vectorStoreError(VectorStoreReason.VectorInvalid, { details: [{ path: 'vector', reason: 'vector_invalid' }] });
}
