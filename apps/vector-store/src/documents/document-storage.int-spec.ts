// Must-show 4, on both backends: what a document leaves at rest, and what erasing its subject
// leaves. Documents holding canaries (an email, a phone, an IBAN, a name) are stored through the
// DocumentStore with their vectors (embeddings aside: made here); then no canary is in a pg_dump of
// the service's database, in any file the service wrote (its keystore; the embedded backend writes
// none of its own), or in what Qdrant holds. Erasing the subject removes its points (from the
// backend and from the embedded backend's memory), its chunks and documents, then its data key: the
// ciphertexts copied before (a backup) no longer open. The other subject, the tenant's documents
// about nobody, and another tenant are untouched. Row-level security is checked with its positive
// control (the superuser sees both tenants' rows, the runtime role without a tenant sees none).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { AuditEntry, type Principal } from '@gardien/contracts';
import { BlindIndex, CryptoErrorCode, LocalKms, PostgresSubjectKeyStore, PostgresTenantKeyStore, SubjectKeyRing, generateMasterKeyFile } from '@gardien/crypto';
import { declaredMigrations, openServiceDatabase, tenantScopedSql, withTenant, type SubjectOperationContext } from '@gardien/persistence';
import { ADMIN_URL, dropTestDatabases, dumpLeaks, findLeaks, makeCanaries, testDatabasePrefix, type Canaries } from '@gardien/testing';
import { CollectionCatalogue } from '../collections/collection-catalogue.js';
import { VECTOR_STORE_DATABASE } from '../database.js';
import { VectorSubjectData } from '../subject-data/vector-subject-data.js';
import { FakeQdrantServer } from '../testing/fake-qdrant-server.js';
import { EmbeddedVectorBackend } from '../vectors/embedded-vector-backend.js';
import { QdrantVectorBackend } from '../vectors/qdrant-vector-backend.js';
import { normalised, type VectorBackend, type VectorHit } from '../vectors/vector-backend.port.js';
import { ChunkCodec } from './chunk-codec.js';
import { DocumentStore } from './document-store.js';
import { DocumentsRepository, type DocumentRow } from './documents.repository.js';

const DIMENSIONS = 8;
const catalogue = new CollectionCatalogue([{ id: 'docs', model: 'probe-embed', dimensions: DIMENSIONS, metadata_fields: ['case_id'] }]);
const space = { model: 'probe-embed', dimensions: DIMENSIONS };
const pipeline: Principal = { kind: 'service', id: 'rights-pipeline', tenantId: null, roles: [], mfa: false };
const erasureContext: SubjectOperationContext = { caller: { principal: pipeline, tenantId: null, requestId: randomUUID() }, rightsRequestId: randomUUID() };
const author = { system: 'storage-test' };

const textOf = (c: Canaries, i: number) => `Dossier ${i} de ${c.name}, joignable au ${c.phone} ou ${c.email}, IBAN ${c.iban}. Suite du compte rendu numéro ${i}.`;
const vectorOf = (i: number) => normalised(Array.from({ length: DIMENSIONS }, (_, d) => Math.sin(i * 7 + d)));

describe.each(['embedded', 'qdrant'] as const)('documents at rest and erasure: %s backend', (kind) => {
  const prefix = testDatabasePrefix();
  const dir = mkdtempSync(join(tmpdir(), `gardien-vector-${kind}-`));
  const tenantA = randomUUID();
  const tenantB = randomUUID();
  const person = randomUUID();
  const other = randomUUID();
  const canaries = { person: makeCanaries(), other: makeCanaries(), nobody: makeCanaries(), tenantB: makeCanaries() };
  let runtime: DataSource;
  let runtimeUrl: string;
  let backend: VectorBackend;
  let qdrant: FakeQdrantServer | undefined;
  let codec: ChunkCodec;
  let store: DocumentStore;
  let subjectData: VectorSubjectData;
  const repository = new DocumentsRepository();
  const documents: Record<string, DocumentRow> = {};

  async function ingest(name: string, tenantId: string, subjectId: string | null, planted: Canaries, chunks = 3): Promise<void> {
    const document = await withTenant(runtime, tenantId, (m) =>
      repository.insert(m, { id: randomUUID(), tenant_id: tenantId, collection: 'docs', purpose: 'support', classification: 'health', owner_id: 'user-1', subject_id: subjectId, metadata: { case_id: 'C-1' }, chunks_total: chunks, retention_days: 365 }),
    );
    const embedded = Array.from({ length: chunks }, (_, i) => ({ text: textOf(planted, i), vector: vectorOf(i + Object.keys(documents).length * 10) }));
    expect(await store.store(author, document, embedded)).toBe(true);
    documents[name] = document;
  }

  const everything = { collection: 'docs', access: { anyOwner: ['public', 'internal', 'confidential', 'health'] as const, ownOnly: null } };
  const hitsOf = async (tenantId: string, documentId: string) => (await backend.search(tenantId, space, vectorOf(0), 50, everything)).filter((hit) => hit.documentId === documentId);
  const sealedChunks = (tenantId: string, documentId: string) =>
    withTenant(runtime, tenantId, (m) => m.query<Array<{ id: string; text: string }>>('SELECT id, text FROM vector_chunks WHERE document_id = $1 ORDER BY ordinal', [documentId]));

  beforeAll(async () => {
    ({ runtime, runtimeUrl } = await openServiceDatabase({ service: 'vector-store', prefix, adminUrl: ADMIN_URL, migrations: declaredMigrations(VECTOR_STORE_DATABASE) }));
    await generateMasterKeyFile(join(dir, 'master.key'));
    const kms = await LocalKms.open({ service: 'vector-store', dataDir: dir, masterKeyFile: join(dir, 'master.key'), generateMasterKeyIfMissing: false });
    const sql = tenantScopedSql(runtime);
    const keyRing = new SubjectKeyRing({ service: 'vector-store', kms, store: new PostgresSubjectKeyStore(sql) });
    const blindIndex = new BlindIndex({ service: 'vector-store', kms, store: new PostgresTenantKeyStore(sql) });
    if (kind === 'qdrant') qdrant = await FakeQdrantServer.start();
    backend = kind === 'embedded' ? new EmbeddedVectorBackend(runtime) : new QdrantVectorBackend({ url: qdrant!.url });
    await backend.ensureSpace(space);
    codec = new ChunkCodec(keyRing, blindIndex);
    store = new DocumentStore(runtime, backend, codec, repository, catalogue);
    subjectData = new VectorSubjectData(runtime, VECTOR_STORE_DATABASE.inventory, keyRing, blindIndex, backend, catalogue);
    await ingest('person', tenantA, person, canaries.person);
    await ingest('other', tenantA, other, canaries.other);
    await ingest('nobody', tenantA, null, canaries.nobody);
    await ingest('tenantB', tenantB, person, canaries.tenantB);
  });

  afterAll(async () => {
    await backend?.close();
    await qdrant?.stop();
    await runtime?.destroy();
    await dropTestDatabases(prefix);
    rmSync(dir, { recursive: true, force: true });
  });

  test('row-level security: the superuser sees both tenants, the runtime role in a transaction without tenant sees nothing', async () => {
    const admin = new pg.Client({ connectionString: Object.assign(new URL(ADMIN_URL), { pathname: `/${new URL(runtimeUrl).pathname.slice(1)}` }).toString() });
    await admin.connect();
    try {
      const tenants = await admin.query<{ n: number }>('SELECT count(DISTINCT tenant_id)::int AS n FROM vector_chunks');
      expect(tenants.rows[0]!.n).toBe(2);
    } finally {
      await admin.end();
    }
    for (const table of ['vector_documents', 'vector_chunks', 'vector_points', 'vector_index_versions']) {
      expect(await runtime.query(`SELECT * FROM ${table}`)).toEqual([]);
    }
    const [own] = await withTenant(runtime, tenantA, (m) => m.query<Array<{ n: number }>>('SELECT count(*)::int AS n FROM vector_chunks WHERE tenant_id = $1', [tenantB]));
    expect(own!.n).toBe(0);
  });

  test('no canary in a pg_dump of the database, in any file the service wrote, or in what the vector backend holds', async () => {
    // Positive control: the chunks open to the canaries' text.
    const [first] = await sealedChunks(tenantA, documents.person!.id);
    expect(await codec.open({ tenantId: tenantA, subjectId: person, chunkId: first!.id }, first!.text)).toContain(canaries.person.email);
    const { dumped, leaks } = await dumpLeaks(prefix, { ...canaries.person, name: canaries.person.name });
    expect(dumped).toHaveLength(1);
    expect(leaks).toEqual([]);
    for (const planted of Object.values(canaries)) expect((await dumpLeaks(prefix, planted)).leaks).toEqual([]);
    const files = readdirSync(dir, { recursive: true }).map(String).filter((file) => statSync(join(dir, file)).isFile());
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) for (const planted of Object.values(canaries)) expect(findLeaks(readFileSync(join(dir, file), 'latin1'), planted)).toEqual([]);
    if (qdrant) for (const planted of Object.values(canaries)) expect(findLeaks(JSON.stringify(qdrant.payloads()), planted)).toEqual([]);
  });

  test("erasing the subject removes its points and chunks, then its key: the ciphertexts copied before no longer open", async () => {
    const backup = await sealedChunks(tenantA, documents.person!.id);
    expect(backup).toHaveLength(3);
    expect(await hitsOf(tenantA, documents.person!.id)).toHaveLength(3);
    const before = { other: await hitsOf(tenantA, documents.other!.id), nobody: await hitsOf(tenantA, documents.nobody!.id), b: await hitsOf(tenantB, documents.tenantB!.id) };

    const erased = await subjectData.erase({ tenantId: tenantA, subjectId: person }, erasureContext);
    expect(erased).toMatchObject({ changed: true, keys_destroyed: 1 });
    // The points went first, through the backend (Qdrant's, or vector_points with the embedded index).
    expect(erased.tables.filter(({ deleted }) => deleted > 0).map(({ table }) => table)).toEqual(['vector_chunks', 'vector_documents']);

    expect(await hitsOf(tenantA, documents.person!.id)).toEqual([]);
    expect(await backend.countDocument(tenantA, documents.person!.id, [space])).toBe(0);
    if (backend instanceof EmbeddedVectorBackend) expect(backend.cachedPoints(tenantA, space)).toBe(6);
    expect(await sealedChunks(tenantA, documents.person!.id)).toEqual([]);
    for (const chunk of backup) {
      await expect(codec.open({ tenantId: tenantA, subjectId: person, chunkId: chunk.id }, chunk.text)).rejects.toMatchObject({ code: CryptoErrorCode.SubjectErased });
    }
    // Untouched: the other subject, the tenant's documents about nobody, the same subject id in tenant B.
    expect(await hitsOf(tenantA, documents.other!.id)).toEqual(before.other);
    expect(await hitsOf(tenantA, documents.nobody!.id)).toEqual(before.nobody);
    expect(await hitsOf(tenantB, documents.tenantB!.id)).toEqual(before.b);
    const { chunks } = await store.open(tenantA, before.other);
    const texts = async (tenantId: string, hits: typeof before.other) => new Set((await store.open(tenantId, hits)).chunks.map((c) => c.text));
    expect(new Set(chunks.map((c) => c.text))).toEqual(new Set([0, 1, 2].map((i) => textOf(canaries.other, i))));
    expect(await texts(tenantA, before.nobody)).toEqual(new Set([0, 1, 2].map((i) => textOf(canaries.nobody, i))));
    expect(await texts(tenantB, before.b)).toEqual(new Set([0, 1, 2].map((i) => textOf(canaries.tenantB, i))));

    const rows: Array<{ payload: unknown }> = await runtime.query("SELECT payload FROM gardien_outbox WHERE subject = 'gardien.audit.vector-store.subject.erased'");
    expect(rows.map((row) => AuditEntry.parse(row.payload)).map(({ tenantId, target }) => ({ tenantId, target }))).toEqual([{ tenantId: tenantA, target: { type: 'subject', id: person } }]);
    const outbox = JSON.stringify(await runtime.query('SELECT payload FROM gardien_outbox'));
    for (const planted of Object.values(canaries)) expect(findLeaks(outbox, planted)).toEqual([]);
  });

  test('a deleted document leaves no vector and no chunk; a search that meets vectors without chunks sweeps them', async () => {
    const hits = await hitsOf(tenantA, documents.nobody!.id);
    await store.delete(author, documents.nobody!);
    expect(await backend.countDocument(tenantA, documents.nobody!.id, [space])).toBe(0);
    expect(await sealedChunks(tenantA, documents.nobody!.id)).toEqual([]);
    const { chunks, missing } = await store.open(tenantA, hits);
    expect(chunks).toEqual([]);
    expect(missing).toHaveLength(3);
  });

  test("a search that meets a document's vectors before its chunks commit sweeps none of them once it is ready; a stray point of a ready document is swept alone", async () => {
    // The backend as the store sees it, with a search run between the vectors' upsert and the chunks' commit.
    const racingRef: { meanwhile?: () => Promise<void> } = {};
    const racing: VectorBackend = {
      kind: backend.kind,
      ensureSpace: (s) => backend.ensureSpace(s),
      ensureRoom: (...args) => backend.ensureRoom(...args),
      upsert: async (t, s, points) => {
        await backend.upsert(t, s, points);
        await racingRef.meanwhile?.();
      },
      search: (...args) => backend.search(...args),
      deleteDocument: (...args) => backend.deleteDocument(...args),
      deleteSubject: (...args) => backend.deleteSubject(...args),
      deletePoints: (...args) => backend.deletePoints(...args),
      deleteTenant: (...args) => backend.deleteTenant(...args),
      countDocument: (...args) => backend.countDocument(...args),
      close: async () => undefined,
    };
    const racingStore = new DocumentStore(runtime, racing, codec, repository, catalogue);
    const document = await withTenant(runtime, tenantA, (m) =>
      repository.insert(m, { id: randomUUID(), tenant_id: tenantA, collection: 'docs', purpose: 'support', classification: 'health', owner_id: 'user-1', subject_id: null, metadata: {}, chunks_total: 3, retention_days: 365 }),
    );
    let missing: VectorHit[] = [];
    racingRef.meanwhile = async () => {
      missing = (await store.open(tenantA, await hitsOf(tenantA, document.id))).missing;
      // While the document is processing, its vectors are left alone.
      await store.sweep(tenantA, missing);
      expect(await backend.countDocument(tenantA, document.id, [space])).toBe(3);
    };
    const embedded = [0, 1, 2].map((i) => ({ text: `chunk ${i}`, vector: vectorOf(i) }));
    expect(await racingStore.store(author, document, embedded)).toBe(true);
    expect(missing).toHaveLength(3);
    // The search's sweep runs later, when the document is ready and its chunks committed: nothing goes.
    await store.sweep(tenantA, missing);
    expect(await backend.countDocument(tenantA, document.id, [space])).toBe(3);
    expect((await store.open(tenantA, await hitsOf(tenantA, document.id))).chunks.map((c) => c.text).sort()).toEqual(['chunk 0', 'chunk 1', 'chunk 2']);

    // A point of the ready document with no chunk row (left by an earlier attempt) is swept, alone.
    const stray = { id: randomUUID(), documentId: document.id, collection: 'docs', purpose: 'support', classification: 'health' as const, ownerId: 'user-1', subjectId: null, metadata: {}, vector: vectorOf(0) };
    await backend.upsert(tenantA, space, [stray]);
    const found = (await store.open(tenantA, await hitsOf(tenantA, document.id))).missing;
    expect(found.map((hit) => hit.id)).toEqual([stray.id]);
    await store.sweep(tenantA, found);
    expect(await backend.countDocument(tenantA, document.id, [space])).toBe(3);
    expect((await store.open(tenantA, await hitsOf(tenantA, document.id))).chunks).toHaveLength(3);
  });
});
