// Design rule 5 in the vector store: erasing a deleted tenant (what its `tenant.deleted` consumer
// runs) leaves nothing of it on either backend (points in the backend and in the embedded index's
// memory, documents, chunks, vector_points, index versions) and destroys its keys: a copy of its
// ciphertexts taken before no longer opens. Tenant B, with the same subject id, is untouched. Run
// twice (a redelivered event), it finds nothing and does not fail.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { AuditEntry } from '@gardien/contracts';
import { BlindIndex, CryptoError, LocalKms, PostgresSubjectKeyStore, PostgresTenantKeyStore, SubjectKeyRing, generateMasterKeyFile } from '@gardien/crypto';
import { declaredMigrations, openServiceDatabase, tenantScopedSql, withTenant } from '@gardien/persistence';
import { ADMIN_URL, dropTestDatabases, testDatabasePrefix } from '@gardien/testing';
import { CollectionCatalogue } from '../collections/collection-catalogue.js';
import { VECTOR_STORE_DATABASE } from '../database.js';
import { ChunkCodec } from '../documents/chunk-codec.js';
import { DocumentStore } from '../documents/document-store.js';
import { DocumentsRepository, type DocumentRow } from '../documents/documents.repository.js';
import { FakeQdrantServer } from '../testing/fake-qdrant-server.js';
import { EmbeddedVectorBackend } from '../vectors/embedded-vector-backend.js';
import { QdrantVectorBackend } from '../vectors/qdrant-vector-backend.js';
import { normalised, type VectorBackend } from '../vectors/vector-backend.port.js';
import { VectorTenantErasure } from './tenant-erasure.service.js';

const DIMENSIONS = 8;
const catalogue = new CollectionCatalogue([{ id: 'docs', model: 'probe-embed', dimensions: DIMENSIONS, metadata_fields: [] }]);
const space = { model: 'probe-embed', dimensions: DIMENSIONS };
const author = { system: 'tenant-erasure-test' };
const vectorOf = (i: number) => normalised(Array.from({ length: DIMENSIONS }, (_, d) => Math.sin(i * 7 + d)));
const everything = { collection: 'docs', access: { anyOwner: ['public', 'internal', 'confidential', 'health'] as const, ownOnly: null } };

describe.each(['embedded', 'qdrant'] as const)('tenant erasure: %s backend', (kind) => {
  const prefix = testDatabasePrefix();
  const dir = mkdtempSync(join(tmpdir(), `gardien-vector-tenant-${kind}-`));
  const tenantA = randomUUID();
  const tenantB = randomUUID();
  const subject = randomUUID();
  let runtime: DataSource;
  let backend: VectorBackend;
  let qdrant: FakeQdrantServer | undefined;
  let codec: ChunkCodec;
  let store: DocumentStore;
  let erasure: VectorTenantErasure;
  const repository = new DocumentsRepository();

  async function ingest(tenantId: string, subjectId: string | null, n: number): Promise<DocumentRow> {
    const document = await withTenant(runtime, tenantId, (m) =>
      repository.insert(m, { id: randomUUID(), tenant_id: tenantId, collection: 'docs', purpose: 'support', classification: 'internal', owner_id: 'user-1', subject_id: subjectId, metadata: {}, chunks_total: 2, retention_days: 365 }),
    );
    expect(await store.store(author, document, [0, 1].map((i) => ({ text: `texte ${n}.${i}`, vector: vectorOf(n * 10 + i) })))).toBe(true);
    return document;
  }
  const hits = (tenantId: string) => backend.search(tenantId, space, vectorOf(0), 50, everything);
  const sealed = (tenantId: string) =>
    withTenant(runtime, tenantId, (m) => m.query<Array<{ id: string; text: string; subject_id: string | null }>>('SELECT id, text, subject_id::text AS subject_id FROM vector_chunks'));
  const count = async (tenantId: string, table: string) => (await withTenant(runtime, tenantId, (m) => m.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM ${table}`)))[0]!.n;

  beforeAll(async () => {
    ({ runtime } = await openServiceDatabase({ service: 'vector-store', prefix, adminUrl: ADMIN_URL, migrations: declaredMigrations(VECTOR_STORE_DATABASE) }));
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
    erasure = new VectorTenantErasure(runtime, backend, catalogue, keyRing, blindIndex);
    await ingest(tenantA, subject, 1);
    await ingest(tenantA, null, 2);
    await ingest(tenantB, subject, 3);
    await ingest(tenantB, null, 4);
  });

  afterAll(async () => {
    await backend?.close();
    await qdrant?.stop();
    await runtime?.destroy();
    await dropTestDatabases(prefix);
    rmSync(dir, { recursive: true, force: true });
  });

  test("after the erasure nothing of tenant A remains, its copied ciphertexts no longer open, tenant B is untouched", async () => {
    const backup = await sealed(tenantA);
    expect(backup).toHaveLength(4);
    expect(await hits(tenantA)).toHaveLength(4);
    const before = { hits: await hits(tenantB), chunks: await sealed(tenantB) };
    expect(before.hits).toHaveLength(4);

    const erased = await erasure.erase(tenantA.toUpperCase(), randomUUID());
    expect(erased).toEqual({ vectors: 4, documents: 2, chunks: 4, points: 0 });

    // The embedded index in memory is dropped, and loads empty again.
    if (backend instanceof EmbeddedVectorBackend) expect(backend.cachedPoints(tenantA, space)).toBeUndefined();
    expect(await hits(tenantA)).toEqual([]);
    if (backend instanceof EmbeddedVectorBackend) expect(backend.cachedPoints(tenantA, space)).toBe(0);
    if (qdrant) expect(qdrant.payloads().filter((payload) => (payload as { tenant_id?: string }).tenant_id === tenantA)).toEqual([]);
    for (const table of ['vector_documents', 'vector_chunks', 'vector_points', 'vector_index_versions']) expect(await count(tenantA, table)).toBe(0);
    for (const chunk of backup) {
      await expect(codec.open({ tenantId: tenantA, subjectId: chunk.subject_id, chunkId: chunk.id }, chunk.text)).rejects.toBeInstanceOf(CryptoError);
    }

    expect(await hits(tenantB)).toEqual(before.hits);
    const opened = await store.open(tenantB, before.hits);
    expect(new Set(opened.chunks.map((c) => c.text))).toEqual(new Set(['texte 3.0', 'texte 3.1', 'texte 4.0', 'texte 4.1']));

    const rows: Array<{ payload: unknown }> = await runtime.query("SELECT payload FROM gardien_outbox WHERE subject = 'gardien.audit.vector-store.tenant.erased'");
    expect(rows.map((row) => AuditEntry.parse(row.payload)).map(({ tenantId, target }) => ({ tenantId, target }))).toEqual([{ tenantId: tenantA, target: { type: 'tenant', id: tenantA } }]);

    // A redelivered event: nothing left to erase, no failure, audited again.
    expect(await erasure.erase(tenantA)).toEqual({ vectors: 0, documents: 0, chunks: 0, points: 0 });
    expect(await hits(tenantB)).toEqual(before.hits);
  });
});
