// The VectorBackend contract on both adapters: the embedded one on the real Postgres with the
// service's real migrations (its runtime role, row-level security FORCEd), the Qdrant one against
// the in-test Qdrant server (no Qdrant server exists on this repository's machines). Then what is
// the Qdrant adapter's own: the tenant filter every point request carries, what its payloads hold.
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { declaredMigrations, openServiceDatabase, withTenant } from '@gardien/persistence';
import { ADMIN_URL, dropTestDatabases, testDatabasePrefix } from '@gardien/testing';
import { VECTOR_STORE_DATABASE } from '../database.js';
import { FakeQdrantServer } from '../testing/fake-qdrant-server.js';
import { describeVectorBackendContract } from '../testing/vector-backend.contract.js';
import { EmbeddedVectorBackend } from './embedded-vector-backend.js';
import { QdrantVectorBackend } from './qdrant-vector-backend.js';
import { normalised, type VectorSpace } from './vector-backend.port.js';

const prefix = testDatabasePrefix();
let runtime: DataSource | undefined;

async function database(): Promise<DataSource> {
  runtime ??= (await openServiceDatabase({ service: 'vector-store', prefix, adminUrl: ADMIN_URL, migrations: declaredMigrations(VECTOR_STORE_DATABASE) })).runtime;
  return runtime;
}

/** Document rows for the embedded backend's points to reference. */
export async function insertDocuments(dataSource: DataSource, tenantId: string, documentIds: readonly string[]): Promise<void> {
  await withTenant(dataSource, tenantId, (manager) =>
    manager.query(
      `INSERT INTO vector_documents (id, tenant_id, collection, purpose, classification, owner_id, status, chunks_total, created_at, updated_at)
       SELECT id, $1, 'docs', 'support', 'internal', 'probe', 'ready', 0, now(), now() FROM unnest($2::uuid[]) AS d (id) ON CONFLICT DO NOTHING`,
      [tenantId, documentIds],
    ),
  );
}

afterAll(async () => {
  await runtime?.destroy();
  await dropTestDatabases(prefix);
});

describeVectorBackendContract('embedded (Postgres, row-level security, in-memory index)', async () => {
  const dataSource = await database();
  return { backend: new EmbeddedVectorBackend(dataSource), prepareDocuments: (tenant, ids) => insertDocuments(dataSource, tenant, ids), close: async () => undefined };
});

let fake: FakeQdrantServer;
describeVectorBackendContract('qdrant (in-test server)', async () => {
  fake = await FakeQdrantServer.start();
  return { backend: new QdrantVectorBackend({ url: fake.url }), prepareDocuments: async () => undefined, close: () => fake.stop() };
});

describe('Qdrant adapter', () => {
  const space: VectorSpace = { model: 'nomic-embed-text:v1.5', dimensions: 4 };
  let server: FakeQdrantServer;
  let backend: QdrantVectorBackend;

  beforeEach(async () => {
    server = await FakeQdrantServer.start();
    backend = new QdrantVectorBackend({ url: server.url });
  });
  afterEach(() => server.stop());

  test('one collection per model and dimension, the tenant a payload index with is_tenant', async () => {
    await backend.ensureSpace(space);
    await backend.ensureSpace({ ...space, dimensions: 8 });
    expect([...server.collections.keys()].sort()).toEqual([backend.collectionOf(space), backend.collectionOf({ ...space, dimensions: 8 })].sort());
    const collection = server.collections.get(backend.collectionOf(space))!;
    expect(collection).toMatchObject({ size: 4, distance: 'Cosine' });
    expect(collection.indexes.tenant_id).toEqual({ type: 'keyword', is_tenant: true });
  });

  test('every search, count and delete carries the verified tenant as its first condition, whatever the filter says', async () => {
    const tenant = randomUUID();
    const other = randomUUID();
    const point = { id: randomUUID(), documentId: randomUUID(), collection: 'docs', purpose: 'support', classification: 'public' as const, ownerId: 'o', subjectId: randomUUID(), metadata: {}, vector: normalised([1, 0, 0, 0]) };
    await backend.upsert(tenant, space, [point]);
    const forged = { collection: 'docs', access: { anyOwner: ['public'], ownOnly: null }, tenant_id: other } as never;
    await backend.search(tenant, space, normalised([1, 0, 0, 0]), 3, forged);
    await backend.countDocument(tenant, point.documentId, [space]);
    await backend.deleteDocument(tenant, point.documentId, [space]);
    await backend.deleteSubject(tenant, point.subjectId, [space]);
    const guarded = server.pointReads();
    expect(guarded.map((r) => r.path.split('/').pop())).toEqual(['query', 'count', 'count', 'delete', 'count', 'delete']);
    for (const request of guarded) {
      const must = (request.body as { filter: { must: unknown[] } }).filter.must;
      expect(must[0]).toEqual({ key: 'tenant_id', match: { value: tenant } });
      expect(JSON.stringify(request.body)).not.toContain(other);
    }
  });

  test('payloads carry ids and codes only', async () => {
    const tenant = randomUUID();
    await backend.upsert(tenant, space, [
      { id: randomUUID(), documentId: randomUUID(), collection: 'docs', purpose: 'support', classification: 'health', ownerId: 'user-1', subjectId: null, metadata: { case_id: 'C-42' }, vector: normalised([0, 1, 0, 0]) },
    ]);
    expect(server.payloads()).toEqual([{ tenant_id: tenant, document_id: expect.any(String), collection: 'docs', purpose: 'support', classification: 'health', owner_id: 'user-1', metadata: { case_id: 'C-42' } }]);
  });

  test('a Qdrant that cannot be reached, or fails, is vector_backend_unavailable (503)', async () => {
    server.failing = true;
    await expect(backend.ensureSpace(space)).rejects.toMatchObject({ code: 'UNAVAILABLE', reason: 'vector_backend_unavailable' });
    server.failing = false;
    await backend.ensureSpace(space);
    await server.stop();
    const search = backend.search(randomUUID(), space, normalised([1, 0, 0, 0]), 1, { collection: 'docs', access: { anyOwner: ['public'], ownOnly: null } });
    await expect(search).rejects.toMatchObject({ code: 'UNAVAILABLE', reason: 'vector_backend_unavailable' });
    server = await FakeQdrantServer.start();
  });

  test('a collection that exists with another dimension is refused', async () => {
    await new QdrantVectorBackend({ url: server.url }).ensureSpace(space);
    server.collections.get(backend.collectionOf(space))!.size = 5;
    await expect(backend.ensureSpace(space)).rejects.toMatchObject({ reason: 'vector_space_misconfigured' });
  });
});

describe('embedded backend, two replicas on one database', () => {
  test("what one replica stores, the other searches once its background version check has run", async () => {
    const dataSource = await database();
    const space: VectorSpace = { model: `replicas-${randomUUID().slice(0, 8)}`, dimensions: 4 };
    const one = new EmbeddedVectorBackend(dataSource, { versionCheckMs: 0 });
    const other = new EmbeddedVectorBackend(dataSource, { versionCheckMs: 0 });
    const tenant = randomUUID();
    const filter = { collection: 'docs', access: { anyOwner: ['public' as const], ownOnly: null } };
    const point = (documentId: string, vector: number[]) => ({ id: randomUUID(), documentId, collection: 'docs', purpose: 'support', classification: 'public' as const, ownerId: 'o', subjectId: null, metadata: {}, vector: normalised(vector) });
    const [first, second] = [randomUUID(), randomUUID()];
    await insertDocuments(dataSource, tenant, [first, second]);
    await one.upsert(tenant, space, [point(first, [1, 0, 0, 0])]);
    expect(await other.search(tenant, space, normalised([1, 0, 0, 0]), 5, filter)).toHaveLength(1);
    await one.upsert(tenant, space, [point(second, [0, 1, 0, 0])]);
    // The other replica serves the index it has, and checks its version meanwhile.
    expect(await other.search(tenant, space, normalised([0, 1, 0, 0]), 5, filter)).toHaveLength(1);
    await other.settled();
    const hits = await other.search(tenant, space, normalised([0, 1, 0, 0]), 5, filter);
    expect(hits.map((hit) => hit.documentId)).toEqual([second, first]);
    await one.close();
    await other.close();
  });
});

describe('embedded backend, memory bounded per tenant', () => {
  const filter = { collection: 'docs', access: { anyOwner: ['public' as const], ownOnly: null } };
  const point = (documentId: string, vector: number[]) => ({ id: randomUUID(), documentId, collection: 'docs', purpose: 'support', classification: 'public' as const, ownerId: 'o', subjectId: null, metadata: {}, vector: normalised(vector) });

  test("a tenant's space holds no more points than the index bound: more is refused (413 vector_space_full), nothing written, and another tenant's index stays in memory", async () => {
    const dataSource = await database();
    const space: VectorSpace = { model: `bounded-${randomUUID().slice(0, 8)}`, dimensions: 4 };
    const backend = new EmbeddedVectorBackend(dataSource, { maxCachedPoints: 10 });
    const [small, big] = [randomUUID(), randomUUID()];
    const [smallDocument, bigDocument] = [randomUUID(), randomUUID()];
    await insertDocuments(dataSource, small, [smallDocument]);
    await insertDocuments(dataSource, big, [bigDocument]);
    await backend.upsert(small, space, [point(smallDocument, [1, 0, 0, 0])]);
    expect(await backend.search(small, space, normalised([1, 0, 0, 0]), 5, filter)).toHaveLength(1);
    await backend.upsert(big, space, Array.from({ length: 8 }, (_, i) => point(bigDocument, [1, i, 0, 0])));
    await expect(backend.ensureRoom(big, space, 3)).rejects.toMatchObject({ reason: 'vector_space_full' });
    await expect(backend.ensureRoom(big, space, 2)).resolves.toBeUndefined();
    await expect(backend.upsert(big, space, Array.from({ length: 3 }, (_, i) => point(bigDocument, [0, 1, i, 0])))).rejects.toMatchObject({ reason: 'vector_space_full' });
    expect(await backend.countDocument(big, bigDocument)).toBe(8);
    await backend.search(big, space, normalised([1, 0, 0, 0]), 5, filter);
    // Both indexes fit the bound together: the small tenant's is still in memory.
    expect(backend.cachedPoints(small, space)).toBe(1);
    await backend.close();
  });

  test('searches that meet an index not yet in memory load it once, not once each', async () => {
    const dataSource = await database();
    const space: VectorSpace = { model: `once-${randomUUID().slice(0, 8)}`, dimensions: 4 };
    const writer = new EmbeddedVectorBackend(dataSource);
    const tenant = randomUUID();
    const document = randomUUID();
    await insertDocuments(dataSource, tenant, [document]);
    await writer.upsert(tenant, space, [point(document, [1, 0, 0, 0])]);
    await writer.close();
    let loads = 0;
    const counted = new Proxy(dataSource, {
      get(target, property, receiver) {
        if (property === 'transaction') loads += 1;
        return Reflect.get(target, property, receiver) as unknown;
      },
    });
    const reader = new EmbeddedVectorBackend(counted);
    const results = await Promise.all(Array.from({ length: 5 }, () => reader.search(tenant, space, normalised([1, 0, 0, 0]), 5, filter)));
    expect(results.map((hits) => hits.length)).toEqual([1, 1, 1, 1, 1]);
    expect(loads).toBe(1);
    await reader.close();
  });
});
