// The contract every VectorBackend adapter passes, run against the embedded backend (on the real
// Postgres) and the Qdrant backend (against FakeQdrantServer): nearest points first with cosine
// scores, the filters, replacement, deletion by document and by subject, refused dimensions, and
// tenant isolation enumerated: every point of every tenant used as a query, searched as each
// tenant, finds only that tenant's points, including with a tenant smuggled into the filter.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DocumentClassification } from '@gardien/contracts';
import { normalised, type AccessCondition, type PointFilter, type VectorBackend, type VectorPoint, type VectorSpace } from '../vectors/vector-backend.port.js';

export interface VectorBackendContractSubject {
  backend: VectorBackend;
  /** Makes the documents of the points exist where the backend needs them (the embedded backend's points reference theirs). */
  prepareDocuments(tenantId: string, documentIds: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

const DIMENSIONS = 16;
const ALL: readonly DocumentClassification[] = ['public', 'internal', 'confidential', 'health'];
const EVERYTHING: AccessCondition = { anyOwner: ALL, ownOnly: null };

/** A small deterministic generator: the same vectors on every run. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot;
}

export function describeVectorBackendContract(name: string, setup: () => Promise<VectorBackendContractSubject>): void {
  describe(`VectorBackend contract: ${name}`, () => {
    let subject: VectorBackendContractSubject;
    const space: VectorSpace = { model: `contract-${randomUUID().slice(0, 8)}`, dimensions: DIMENSIONS };
    const random = generator(42);
    const vector = () => normalised(Array.from({ length: DIMENSIONS }, random));
    const filter = (extra: Partial<PointFilter> = {}): PointFilter => ({ collection: 'docs', access: EVERYTHING, ...extra });

    interface Seeded {
      tenantId: string;
      points: VectorPoint[];
    }

    async function seed(count: number, shape: (i: number) => Partial<VectorPoint> = () => ({}), tenantId = randomUUID()): Promise<Seeded> {
      const documents = [randomUUID(), randomUUID(), randomUUID()];
      const points = Array.from({ length: count }, (_, i): VectorPoint => ({
        id: randomUUID(),
        documentId: documents[i % documents.length]!,
        collection: 'docs',
        purpose: 'support',
        classification: ALL[i % ALL.length]!,
        ownerId: i % 2 === 0 ? 'owner-a' : 'owner-b',
        subjectId: null,
        metadata: {},
        vector: vector(),
        ...shape(i),
      }));
      await subject.prepareDocuments(tenantId, [...new Set(points.map((p) => p.documentId))]);
      await subject.backend.upsert(tenantId, space, points);
      return { tenantId, points };
    }

    beforeAll(async () => {
      subject = await setup();
      await subject.backend.ensureSpace(space);
    });
    afterAll(async () => {
      await subject.close();
    });

    it('finds the nearest points first, scored by cosine similarity, as an exact search ranks them', async () => {
      const { tenantId, points } = await seed(40);
      const query = points[7]!.vector;
      const hits = await subject.backend.search(tenantId, space, query, 5, filter());
      const expected = [...points].sort((a, b) => cosine(query, b.vector) - cosine(query, a.vector)).slice(0, 5);
      expect(hits.map((hit) => hit.id)).toEqual(expected.map((point) => point.id));
      expect(hits[0]!.score).toBeCloseTo(1, 4);
      for (const [i, hit] of hits.entries()) {
        expect(hit.score).toBeCloseTo(cosine(query, expected[i]!.vector), 4);
        expect(hit.documentId).toBe(expected[i]!.documentId);
      }
    });

    it("never answers one tenant's search with another tenant's points: every point of every tenant as a query, as every tenant", async () => {
      const a = await seed(24);
      // B holds the very vectors of A (the closest possible match for A's queries), and more.
      const b = await seed(24, (i) => ({ vector: a.points[i]!.vector }));
      const c = await seed(12);
      const tenants = [a, b, c];
      const owned = new Map(tenants.map((t) => [t.tenantId, new Set(t.points.map((p) => p.id))]));
      const queries = tenants.flatMap((t) => t.points.map((p) => p.vector));
      for (const tenant of tenants) {
        for (const query of queries) {
          const hits = await subject.backend.search(tenant.tenantId, space, query, 50, filter());
          expect(hits.length).toBe(tenant.points.length);
          for (const hit of hits) expect(owned.get(tenant.tenantId)!.has(hit.id)).toBe(true);
        }
      }
    });

    it('ignores a tenant smuggled into a filter: the tenant searched is the one the backend is given', async () => {
      const a = await seed(6);
      const b = await seed(6);
      const forged = { ...filter(), tenant_id: b.tenantId, tenantId: b.tenantId, must: [{ key: 'tenant_id', match: { value: b.tenantId } }] } as unknown as PointFilter;
      const hits = await subject.backend.search(a.tenantId, space, b.points[0]!.vector, 50, forged);
      const ofA = new Set(a.points.map((p) => p.id));
      expect(hits.length).toBe(a.points.length);
      for (const hit of hits) expect(ofA.has(hit.id)).toBe(true);
    });

    it('does not delete or count, in one tenant, a document or a subject of another', async () => {
      const subjectOfB = randomUUID();
      const a = await seed(6);
      const b = await seed(6, () => ({ subjectId: subjectOfB }));
      const documentOfB = b.points[0]!.documentId;
      expect(await subject.backend.countDocument(a.tenantId, documentOfB, [space])).toBe(0);
      expect(await subject.backend.deleteDocument(a.tenantId, documentOfB, [space])).toBe(0);
      expect(await subject.backend.deleteSubject(a.tenantId, subjectOfB, [space])).toBe(0);
      expect(await subject.backend.countDocument(b.tenantId, documentOfB, [space])).toBe(2);
      expect(await subject.backend.search(b.tenantId, space, vector(), 50, filter())).toHaveLength(6);
      expect(await subject.backend.search(a.tenantId, space, vector(), 50, filter())).toHaveLength(6);
    });

    it('keeps to what the caller may read: classifications in any document, others in its own only', async () => {
      const { tenantId, points } = await seed(16);
      const access: AccessCondition = { anyOwner: ['public', 'internal'], ownOnly: { ownerId: 'owner-a', classifications: ['confidential', 'health'] } };
      const hits = await subject.backend.search(tenantId, space, vector(), 50, filter({ access }));
      const expected = points.filter((p) => ['public', 'internal'].includes(p.classification) || p.ownerId === 'owner-a');
      expect(new Set(hits.map((h) => h.id))).toEqual(new Set(expected.map((p) => p.id)));
      expect(await subject.backend.search(tenantId, space, vector(), 50, filter({ access: { anyOwner: [], ownOnly: null } }))).toEqual([]);
    });

    it('filters on collection, purpose, documents, classifications, subject and metadata', async () => {
      const person = randomUUID();
      const { tenantId, points } = await seed(24, (i) => ({
        collection: i % 3 === 0 ? 'other' : 'docs',
        purpose: i % 4 === 0 ? 'billing' : 'support',
        subjectId: i % 5 === 0 ? person : null,
        metadata: { case_id: `C-${i % 2}` },
      }));
      const ids = async (extra: Partial<PointFilter>) => new Set((await subject.backend.search(tenantId, space, vector(), 50, filter(extra))).map((h) => h.id));
      const expect_ = (keep: (p: VectorPoint) => boolean) => new Set(points.filter((p) => p.collection === 'docs' && keep(p)).map((p) => p.id));
      expect(await ids({})).toEqual(expect_(() => true));
      expect(await ids({ purpose: 'billing' })).toEqual(expect_((p) => p.purpose === 'billing'));
      expect(await ids({ documentIds: [points[1]!.documentId] })).toEqual(expect_((p) => p.documentId === points[1]!.documentId));
      expect(await ids({ classifications: ['health'] })).toEqual(expect_((p) => p.classification === 'health'));
      expect(await ids({ subjectId: person })).toEqual(expect_((p) => p.subjectId === person));
      expect(await ids({ metadata: { case_id: 'C-1' } })).toEqual(expect_((p) => p.metadata.case_id === 'C-1'));
      expect(await ids({ collection: 'other' } as Partial<PointFilter>)).toEqual(new Set(points.filter((p) => p.collection === 'other').map((p) => p.id)));
    });

    it('replaces a point upserted again under its id', async () => {
      const { tenantId, points } = await seed(3);
      const moved = { ...points[0]!, vector: vector() };
      await subject.backend.upsert(tenantId, space, [moved]);
      const hits = await subject.backend.search(tenantId, space, moved.vector, 1, filter());
      expect(hits).toEqual([expect.objectContaining({ id: moved.id })]);
      expect(hits[0]!.score).toBeCloseTo(1, 4);
      expect(await subject.backend.search(tenantId, space, vector(), 50, filter())).toHaveLength(3);
    });

    it("deletes a document's points, and a subject's, and nothing else", async () => {
      const person = randomUUID();
      const { tenantId, points } = await seed(12, (i) => ({ subjectId: i < 4 ? person : null }));
      const document = points[5]!.documentId;
      const ofDocument = points.filter((p) => p.documentId === document).length;
      expect(await subject.backend.deleteDocument(tenantId, document, [space])).toBe(ofDocument);
      expect(await subject.backend.countDocument(tenantId, document, [space])).toBe(0);
      const left = points.filter((p) => p.documentId !== document);
      const ofPerson = left.filter((p) => p.subjectId === person).length;
      expect(await subject.backend.deleteSubject(tenantId, person, [space])).toBe(ofPerson);
      const hits = await subject.backend.search(tenantId, space, vector(), 50, filter());
      expect(new Set(hits.map((h) => h.id))).toEqual(new Set(left.filter((p) => p.subjectId !== person).map((p) => p.id)));
    });

    it('refuses vectors and queries of another dimension than the space', async () => {
      const tenantId = randomUUID();
      const documentId = randomUUID();
      await subject.prepareDocuments(tenantId, [documentId]);
      const wrong = normalised(Array.from({ length: DIMENSIONS + 1 }, random));
      const point: VectorPoint = { id: randomUUID(), documentId, collection: 'docs', purpose: 'support', classification: 'public', ownerId: 'o', subjectId: null, metadata: {}, vector: wrong };
      await expect(subject.backend.upsert(tenantId, space, [point])).rejects.toThrow();
      await expect(subject.backend.search(tenantId, space, wrong, 5, filter())).rejects.toThrow();
    });
  });
}
