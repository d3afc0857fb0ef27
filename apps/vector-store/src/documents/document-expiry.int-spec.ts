// A document expires with the retention of its purpose (at most DOCUMENT_RETENTION_DAYS after its
// ingestion), on both backends: accepted through DocumentsService (the purpose's retention from a
// fake tenant service), made to look older as the database's administrator, then the retention
// purge the platform runs from the vector store's data inventory (as the maintenance role, handing
// the expired documents to DocumentExpiry) leaves no row, no chunk, no vector, no Qdrant point of
// it, audited as a deletion. A document of a purpose without a retention stays until the ceiling;
// Qdrant unreachable, nothing is deleted and the next run removes it.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import type { DataSource } from 'typeorm';
import { AuditEntry, callerOf, type Caller } from '@gardien/contracts';
import { BlindIndex, LocalKms, PostgresSubjectKeyStore, PostgresTenantKeyStore, SubjectKeyRing, generateMasterKeyFile } from '@gardien/crypto';
import { RetentionPurgeJob, createServiceDataSource, declaredMigrations, openServiceDatabase, retentionPoliciesOf, tenantScopedSql, withTenant } from '@gardien/persistence';
import { ADMIN_URL, dropTestDatabases, testDatabasePrefix } from '@gardien/testing';
import { CollectionCatalogue } from '../collections/collection-catalogue.js';
import { VECTOR_STORE_DATABASE } from '../database.js';
import { FakeEmbedder } from '../testing/fake-embedder.js';
import { FakePurposeRetentions } from '../testing/fake-purpose-retentions.js';
import { FakeQdrantServer } from '../testing/fake-qdrant-server.js';
import { EmbeddedVectorBackend } from '../vectors/embedded-vector-backend.js';
import { QdrantVectorBackend } from '../vectors/qdrant-vector-backend.js';
import { normalised, type VectorBackend } from '../vectors/vector-backend.port.js';
import { DOCUMENT_RETENTION_DAYS } from './document-personal-data.js';
import { ChunkCodec } from './chunk-codec.js';
import { DocumentExpiry } from './document-expiry.js';
import { DocumentIngestion } from './document-ingestion.js';
import { DocumentStore } from './document-store.js';
import { DocumentsRepository, type DocumentRow } from './documents.repository.js';
import { DocumentsService } from './documents.service.js';

const DIMENSIONS = 8;
const catalogue = new CollectionCatalogue([{ id: 'docs', model: 'probe-embed', dimensions: DIMENSIONS, metadata_fields: [] }]);
const space = { model: 'probe-embed', dimensions: DIMENSIONS };
const vectorOf = (i: number) => normalised(Array.from({ length: DIMENSIONS }, (_, d) => Math.sin(i * 7 + d)));
const DAY_MS = 86_400_000;
const silent = pino({ level: 'silent' });

describe.each(['embedded', 'qdrant'] as const)('documents expire: %s backend', (kind) => {
  const prefix = testDatabasePrefix();
  const dir = mkdtempSync(join(tmpdir(), `gardien-expiry-${kind}-`));
  const tenantA = randomUUID();
  const tenantB = randomUUID();
  const member = (tenantId: string): Caller => callerOf({ kind: 'user', id: randomUUID(), tenantId, roles: ['user'], mfa: true }, { requestId: randomUUID() });
  const userA = member(tenantA);
  const userB = member(tenantB);
  const retentions = new FakePurposeRetentions();
  let runtime: DataSource;
  let maintenance: DataSource;
  let admin: pg.Client;
  let backend: VectorBackend;
  let qdrant: FakeQdrantServer | undefined;
  let documents: DocumentsService;
  let ingestion: DocumentIngestion;
  let expiry: DocumentExpiry;
  const repository = new DocumentsRepository();

  async function ingest(caller: Caller, purpose: string): Promise<DocumentRow> {
    const { id } = await documents.ingest(caller, 'token', { collection: 'docs', text: `Le dossier ${randomUUID()} porte sur une facture. `.repeat(30), purpose });
    await ingestion.idle();
    const row = await withTenant(runtime, caller.tenantId!, (m) => repository.find(m, id));
    expect(row?.status).toBe('ready');
    return row!;
  }

  /** Makes a document look `days` older, as the database's administrator (nobody else may). */
  async function age(document: DocumentRow, days: number): Promise<void> {
    await admin.query(
      `UPDATE vector_documents SET created_at = created_at - make_interval(days => $2), updated_at = updated_at - make_interval(days => $2),
              expires_at = expires_at - make_interval(days => $2) WHERE id = $1`,
      [document.id, days],
    );
  }

  /** What is left of a document anywhere: its row, its chunks, its embedded vectors, its Qdrant points, its hits in a search. */
  async function leftOf(document: DocumentRow) {
    const count = async (table: string, column: string) => (await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${column} = $1`, [document.id])).rows[0]!.n;
    const points = qdrant ? qdrant.payloads().filter((payload) => payload.document_id === document.id).length : 0;
    const everything = { collection: 'docs', access: { anyOwner: ['public', 'internal', 'confidential', 'health'] as const, ownOnly: null } };
    const hits = (await backend.search(document.tenant_id, space, vectorOf(0), 100, everything)).filter((hit) => hit.documentId === document.id).length;
    return { rows: await count('vector_documents', 'id'), chunks: await count('vector_chunks', 'document_id'), vectors: await count('vector_points', 'document_id'), points, hits: hits > 0 };
  }

  const stored = (chunks: number) => ({ rows: 1, chunks, vectors: kind === 'embedded' ? chunks : 0, points: kind === 'qdrant' ? chunks : 0, hits: true });
  const nothing = { rows: 0, chunks: 0, vectors: 0, points: 0, hits: false };

  async function deletions(documentId: string): Promise<AuditEntry[]> {
    const rows = await admin.query<{ payload: unknown }>("SELECT payload FROM gardien_outbox WHERE subject = 'gardien.audit.vector-store.document.deleted'");
    return rows.rows.map((row) => AuditEntry.parse(row.payload)).filter((entry) => entry.target?.id === documentId);
  }

  /** What the platform runs: the retention purge of the vector store's inventory, as the maintenance role, with the vector store's remover. */
  async function purge(batchSize = 1) {
    const job = new RetentionPurgeJob(maintenance, 'vector-store', retentionPoliciesOf(VECTOR_STORE_DATABASE.inventory), silent, { batchSize });
    job.useRemover('documents', expiry.remove);
    return job.runOnce();
  }

  beforeAll(async () => {
    const opened = await openServiceDatabase({ service: 'vector-store', prefix, adminUrl: ADMIN_URL, migrations: declaredMigrations(VECTOR_STORE_DATABASE) });
    runtime = opened.runtime;
    maintenance = createServiceDataSource({ url: opened.maintenanceUrl, applicationName: 'expiry-test-maint', poolSize: 1 });
    await maintenance.initialize();
    admin = new pg.Client({ connectionString: Object.assign(new URL(ADMIN_URL), { pathname: `/${opened.db.database}` }).toString() });
    await admin.connect();
    await generateMasterKeyFile(join(dir, 'master.key'));
    const kms = await LocalKms.open({ service: 'vector-store', dataDir: dir, masterKeyFile: join(dir, 'master.key'), generateMasterKeyIfMissing: false });
    const sql = tenantScopedSql(runtime);
    const codec = new ChunkCodec(new SubjectKeyRing({ service: 'vector-store', kms, store: new PostgresSubjectKeyStore(sql) }), new BlindIndex({ service: 'vector-store', kms, store: new PostgresTenantKeyStore(sql) }));
    if (kind === 'qdrant') qdrant = await FakeQdrantServer.start();
    backend = kind === 'embedded' ? new EmbeddedVectorBackend(runtime) : new QdrantVectorBackend({ url: qdrant!.url, timeoutMs: 2_000 });
    await backend.ensureSpace(space);
    const store = new DocumentStore(runtime, backend, codec, repository, catalogue);
    ingestion = new DocumentIngestion(runtime, repository, store, { concurrency: 2, queue: 8, perTenant: 8 }, silent);
    documents = new DocumentsService(runtime, repository, catalogue, store, ingestion, new FakeEmbedder(), retentions, backend);
    expiry = new DocumentExpiry(runtime, repository, store);
    retentions.declare(tenantA, 'short', 1);
    retentions.declare(tenantA, 'long', 5_000);
  });

  afterAll(async () => {
    await backend?.close();
    await qdrant?.stop();
    await admin?.end();
    await maintenance?.destroy();
    await runtime?.destroy();
    await dropTestDatabases(prefix);
    rmSync(dir, { recursive: true, force: true });
  });

  test("a document's expiry is its acceptance plus its purpose's retention, never more than the ceiling", async () => {
    const lifetime = (row: DocumentRow) => Math.round((row.expires_at!.getTime() - row.created_at.getTime()) / DAY_MS);
    expect(lifetime(await ingest(userA, 'short'))).toBe(1);
    expect(lifetime(await ingest(userA, 'long'))).toBe(DOCUMENT_RETENTION_DAYS);
    expect(lifetime(await ingest(userA, 'support'))).toBe(DOCUMENT_RETENTION_DAYS);
    // Another tenant's purpose of the same id declares nothing: its own answer counts.
    expect(lifetime(await ingest(userB, 'short'))).toBe(DOCUMENT_RETENTION_DAYS);
    expect(retentions.asked).toContainEqual({ tenantId: tenantB, purpose: 'short' });
  });

  test('a document of a purpose with a 1-day retention, 2 days old, leaves no row, chunk, vector or point, audited as a deletion; the others stay', async () => {
    const short = await ingest(userA, 'short');
    const unbounded = await ingest(userA, 'support');
    const otherTenant = await ingest(userB, 'short');
    const chunks = short.chunks_total;
    expect(await leftOf(short)).toEqual(stored(chunks));
    for (const document of [short, unbounded, otherTenant]) await age(document, 2);

    await purge();
    expect(await leftOf(short)).toEqual(nothing);
    expect(await leftOf(unbounded)).toEqual(stored(unbounded.chunks_total));
    expect(await leftOf(otherTenant)).toEqual(stored(otherTenant.chunks_total));
    const [entry, ...more] = await deletions(short.id);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ tenantId: tenantA, actor: { type: 'system', id: 'retention-purge' }, details: { chunks, vectors: chunks, reason: 'expired' } });
  });

  test('an expired document still being ingested is left to its ingestion (its storing would race the deletion); one stalled goes', async () => {
    const short = await ingest(userA, 'short');
    await age(short, 2);
    // Made to look as if its ingestion were under way (progress a moment ago), then stalled (no progress for a day).
    await admin.query("UPDATE vector_documents SET status = 'processing', updated_at = now() WHERE id = $1", [short.id]);
    await purge();
    expect((await leftOf(short)).rows).toBe(1);
    await admin.query("UPDATE vector_documents SET updated_at = now() - interval '1 day' WHERE id = $1", [short.id]);
    await purge();
    expect(await leftOf(short)).toEqual(nothing);
  });

  test('a document of a purpose without a retention stays until the 365-day ceiling, then leaves everything', async () => {
    const document = await ingest(userA, 'support');
    await age(document, DOCUMENT_RETENTION_DAYS - 1);
    await purge();
    expect(await leftOf(document)).toEqual(stored(document.chunks_total));
    await age(document, 2);
    await purge();
    expect(await leftOf(document)).toEqual(nothing);
    expect(await deletions(document.id)).toHaveLength(1);
  });

  test('a document accepted before documents had an expiry goes at the ceiling from its ingestion', async () => {
    const document = await ingest(userA, 'support');
    await admin.query('UPDATE vector_documents SET expires_at = NULL WHERE id = $1', [document.id]);
    await age(document, DOCUMENT_RETENTION_DAYS + 1);
    await purge();
    expect(await leftOf(document)).toEqual(nothing);
  });

  test('expired documents of several tenants are removed in batches, each in its own tenant, and counted', async () => {
    const expired = [await ingest(userA, 'short'), await ingest(userA, 'short'), await ingest(userB, 'support'), await ingest(userB, 'support')];
    await age(expired[0]!, 2);
    await age(expired[1]!, 2);
    await age(expired[2]!, DOCUMENT_RETENTION_DAYS + 1);
    await age(expired[3]!, DOCUMENT_RETENTION_DAYS + 1);
    expect(await purge(1)).toEqual([{ kind: 'documents', deleted: 4, tenants: 2 }]);
    for (const document of expired) expect(await leftOf(document)).toEqual(nothing);
    expect(await purge(1)).toEqual([{ kind: 'documents', deleted: 0, tenants: 0 }]);
  });

  test('without the remover the purge deletes nothing (no SQL delete leaves vectors behind)', async () => {
    const document = await ingest(userA, 'short');
    await age(document, 2);
    const job = new RetentionPurgeJob(maintenance, 'vector-store', retentionPoliciesOf(VECTOR_STORE_DATABASE.inventory), silent);
    expect(await job.runOnce()).toEqual([{ kind: 'documents', deleted: 0, tenants: 0 }]);
    expect(await leftOf(document)).toEqual(stored(document.chunks_total));
    await purge();
    expect(await leftOf(document)).toEqual(nothing);
  });

  if (kind === 'qdrant') {
    test('Qdrant failing: the purge fails and nothing is deleted from Postgres; the next run removes the document', async () => {
      const document = await ingest(userA, 'short');
      await age(document, 2);
      qdrant!.failing = true;
      try {
        await expect(purge()).rejects.toThrow();
      } finally {
        qdrant!.failing = false;
      }
      expect(await leftOf(document)).toEqual(stored(document.chunks_total));
      await purge();
      expect(await leftOf(document)).toEqual(nothing);
    });
  }
});
