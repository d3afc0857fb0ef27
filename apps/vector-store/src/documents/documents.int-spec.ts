// The documents API as the service runs it (DocumentsService, SearchService, the background
// ingestion), on the real Postgres with the service's migrations and real keys, the gateway
// replaced by a FakeEmbedder: accepted at once (processing), progress, ready, searched and opened;
// who reads what (classification and ownership, libs/authz); bad input refused with a code and
// nothing stored; a failed ingestion leaving no chunk and no vector; Qdrant unreachable: 503 and
// nothing lost from Postgres; every change audited, no text in the audit entries.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { pino } from 'pino';
import type { DataSource } from 'typeorm';
import { AuditEntry, ErrorCode, GardienError, IngestDocumentRequest, MetadataValue, SearchRequest, callerOf, parsePayload, purposeAuditRef, type Caller, type Principal } from '@gardien/contracts';
import { BlindIndex, LocalKms, PostgresSubjectKeyStore, PostgresTenantKeyStore, SubjectKeyRing, generateMasterKeyFile } from '@gardien/crypto';
import { declaredMigrations, openServiceDatabase, tenantScopedSql, withTenant } from '@gardien/persistence';
import { ADMIN_URL, dropTestDatabases, findLeaks, makeCanaries, testDatabasePrefix } from '@gardien/testing';
import { CollectionCatalogue } from '../collections/collection-catalogue.js';
import { VECTOR_STORE_DATABASE } from '../database.js';
import { SearchService } from '../search/search.service.js';
import { FakeEmbedder } from '../testing/fake-embedder.js';
import { FakePurposeRetentions } from '../testing/fake-purpose-retentions.js';
import { FakeQdrantServer } from '../testing/fake-qdrant-server.js';
import { hostileMetadataValue, identifierLikeValue, validMetadataValue } from '../testing/metadata-values.arbitraries.js';
import { EmbeddedVectorBackend } from '../vectors/embedded-vector-backend.js';
import { QdrantVectorBackend } from '../vectors/qdrant-vector-backend.js';
import type { VectorBackend } from '../vectors/vector-backend.port.js';
import { ChunkCodec } from './chunk-codec.js';
import { DocumentIngestion } from './document-ingestion.js';
import { DocumentStore } from './document-store.js';
import { EMBEDDING_BATCH } from './embedder.js';
import { DocumentsRepository } from './documents.repository.js';
import { DocumentsService } from './documents.service.js';

const prefix = testDatabasePrefix();
const dir = mkdtempSync(join(tmpdir(), 'gardien-documents-'));
const catalogue = new CollectionCatalogue([{ id: 'docs', model: 'probe-embed', dimensions: 64, metadata_fields: ['case_id'] }]);
const canaries = makeCanaries();
const tenantA = randomUUID();
const tenantB = randomUUID();
const as = (principal: Omit<Principal, 'mfa'>): Caller => callerOf({ ...principal, mfa: true }, { requestId: randomUUID() });
const userA = as({ kind: 'user', id: randomUUID(), tenantId: tenantA, roles: ['user'] });
const otherUserA = as({ kind: 'user', id: randomUUID(), tenantId: tenantA, roles: ['user'] });
const developerA = as({ kind: 'user', id: randomUUID(), tenantId: tenantA, roles: ['developer'] });
const adminA = as({ kind: 'user', id: randomUUID(), tenantId: tenantA, roles: ['tenant_admin'] });
const userB = as({ kind: 'user', id: randomUUID(), tenantId: tenantB, roles: ['user'] });
const superadmin = as({ kind: 'user', id: randomUUID(), tenantId: null, roles: ['superadmin'] });
const TOKEN = 'token-for-vector-store';

let runtime: DataSource;
let qdrant: FakeQdrantServer;

interface Service {
  backend: VectorBackend;
  embedder: FakeEmbedder;
  ingestion: DocumentIngestion;
  documents: DocumentsService;
  search: SearchService;
}

let codec: ChunkCodec;
let embedded: Service;
let onQdrant: Service;

function serviceOn(backend: VectorBackend, limits = { concurrency: 2, queue: 8, perTenant: 8 }): Service {
  const repository = new DocumentsRepository();
  const store = new DocumentStore(runtime, backend, codec, repository, catalogue);
  const embedder = new FakeEmbedder();
  const logger = pino({ level: 'silent' });
  const ingestion = new DocumentIngestion(runtime, repository, store, limits, logger);
  return { backend, embedder, ingestion, documents: new DocumentsService(runtime, repository, catalogue, store, ingestion, embedder, new FakePurposeRetentions(), backend), search: new SearchService(catalogue, store, embedder, backend, logger, runtime) };
}

const paragraph = (i: number) => `Paragraphe ${i}. Le dossier de ${canaries.name} (${canaries.email}) porte sur la facture ${i} et le remboursement ${i}. `.repeat(8);
const longText = Array.from({ length: 12 }, (_, i) => paragraph(i)).join('\n\n');

async function ingested(service: Service, caller: Caller, request: Partial<IngestDocumentRequest> = {}): Promise<string> {
  const { id, status } = await service.documents.ingest(caller, TOKEN, { collection: 'docs', text: longText, purpose: 'support', ...request });
  expect(status).toBe('processing');
  await service.ingestion.idle();
  return id;
}

const counts = async (tenantId: string) =>
  withTenant(runtime, tenantId, async (m) => {
    const n = async (table: string) => ((await m.query(`SELECT count(*)::int AS n FROM ${table}`)) as Array<{ n: number }>)[0]!.n;
    return { documents: await n('vector_documents'), chunks: await n('vector_chunks'), points: await n('vector_points') };
  });
const audits = async (action: string) =>
  ((await runtime.query('SELECT payload FROM gardien_outbox WHERE subject = $1', [`gardien.audit.vector-store.${action}`])) as Array<{ payload: unknown }>).map((row) => AuditEntry.parse(row.payload));

beforeAll(async () => {
  ({ runtime } = await openServiceDatabase({ service: 'vector-store', prefix, adminUrl: ADMIN_URL, migrations: declaredMigrations(VECTOR_STORE_DATABASE) }));
  await generateMasterKeyFile(join(dir, 'master.key'));
  const kms = await LocalKms.open({ service: 'vector-store', dataDir: dir, masterKeyFile: join(dir, 'master.key'), generateMasterKeyIfMissing: false });
  const sql = tenantScopedSql(runtime);
  codec = new ChunkCodec(new SubjectKeyRing({ service: 'vector-store', kms, store: new PostgresSubjectKeyStore(sql) }), new BlindIndex({ service: 'vector-store', kms, store: new PostgresTenantKeyStore(sql) }));
  qdrant = await FakeQdrantServer.start();
  embedded = serviceOn(new EmbeddedVectorBackend(runtime));
  onQdrant = serviceOn(new QdrantVectorBackend({ url: qdrant.url, timeoutMs: 2_000 }));
});

afterAll(async () => {
  await qdrant?.stop().catch(() => undefined);
  await runtime?.destroy();
  await dropTestDatabases(prefix);
  rmSync(dir, { recursive: true, force: true });
});

describe.each([
  ['embedded', () => embedded],
  ['qdrant', () => onQdrant],
] as const)('on the %s backend', (_, service) => {
  test('a document is accepted at once, embedded through the gateway batch by batch with progress, then searched and opened', async () => {
    const s = service();
    let open!: () => void;
    s.embedder.gate = new Promise((resolve) => (open = resolve));
    const { id, status } = await s.documents.ingest(userA, TOKEN, { collection: 'docs', text: longText, purpose: 'support', classification: 'confidential', metadata: { case_id: 'C-7' } });
    expect(status).toBe('processing');
    const early = await s.documents.get(userA, { id });
    expect(early).toMatchObject({ status: 'processing', chunks_done: 0, purpose: 'support', classification: 'confidential', metadata: { case_id: 'C-7' }, failure: null });
    expect(early.chunks_total).toBeGreaterThan(1);
    open();
    s.embedder.gate = undefined;
    await s.ingestion.idle();
    expect(await s.documents.get(userA, { id })).toMatchObject({ status: 'ready', chunks_done: early.chunks_total, chunks_total: early.chunks_total });
    // What reached the "gateway": the chunks, with the caller's token, for the document's purpose.
    expect(s.embedder.calls[0]).toMatchObject({ caller: userA.principal.id, token: TOKEN, model: 'probe-embed', purpose: 'support' });
    expect(s.embedder.calls.flatMap((call) => call.texts)).toHaveLength(early.chunks_total);

    const { results } = await s.search.search(userA, TOKEN, { collection: 'docs', query: 'facture 7 remboursement 7', top_k: 3, purpose: 'support' });
    expect(results).toHaveLength(3);
    expect(results[0]).toMatchObject({ document_id: id, classification: 'confidential' });
    expect(results[0]!.chunk).toContain('facture 7');
    expect(results[0]!.score).toBeGreaterThan(results[2]!.score - 1e-9);
    expect((await s.search.search(userA, TOKEN, { collection: 'docs', query: 'facture', filter: { metadata: { case_id: 'C-8' } } })).results).toEqual([]);
    expect((await s.search.search(userA, TOKEN, { collection: 'docs', query: 'facture', purpose: 'billing' })).results).toEqual([]);
  });

  test('who reads what: a user its own documents, a developer up to confidential, another tenant nothing; an administrator creates none', async () => {
    const s = service();
    const health = await ingested(s, userA, { classification: 'health' });
    const internal = await ingested(s, userA, { classification: 'internal' });
    const ids = async (caller: Caller) => new Set((await s.search.search(caller, TOKEN, { collection: 'docs', query: 'facture 3', top_k: 50 })).results.map((r) => r.document_id));
    expect((await ids(userA)).has(health)).toBe(true);
    expect(await ids(otherUserA)).toEqual(new Set());
    const developer = await ids(developerA);
    expect(developer.has(internal)).toBe(true);
    expect(developer.has(health)).toBe(false);
    await expect(s.documents.get(developerA, { id: health })).rejects.toMatchObject({ code: ErrorCode.NotFound, reason: 'document_not_found' });
    await expect(s.documents.get(otherUserA, { id: internal })).rejects.toMatchObject({ code: ErrorCode.NotFound });
    await expect(s.documents.delete(developerA, { id: internal })).rejects.toMatchObject({ code: ErrorCode.Forbidden });
    await expect(s.documents.get(userB, { id: internal })).rejects.toMatchObject({ code: ErrorCode.NotFound });
    expect(await ids(userB)).toEqual(new Set());
    await expect(s.documents.ingest(adminA, TOKEN, { collection: 'docs', text: 'x', purpose: 'support' })).rejects.toMatchObject({ code: ErrorCode.Forbidden });
    await expect(s.documents.ingest(superadmin, TOKEN, { collection: 'docs', text: 'x', purpose: 'support' })).rejects.toMatchObject({ code: ErrorCode.Forbidden, reason: 'document_tenant_required' });
  });

  test('bad input is refused with a code and stores nothing', async () => {
    const s = service();
    const before = await counts(tenantA);
    const audited = (await audits('document.accepted')).length;
    const refused = (promise: Promise<unknown>, reason: string) => expect(promise).rejects.toMatchObject({ reason });
    await refused(s.documents.ingest(userA, TOKEN, { collection: 'nope', text: 'x', purpose: 'support' }), 'unknown_collection');
    await refused(s.documents.ingest(userA, TOKEN, { collection: 'docs', text: 'x', purpose: 'support', metadata: { patient: 'P-1' } }), 'unknown_metadata_field');
    await refused(s.search.search(userA, TOKEN, { collection: 'docs', query: 'x', filter: { metadata: { patient: 'P-1' } } }), 'unknown_filter_field');
    await refused(s.search.search(userA, TOKEN, { collection: 'docs', vector: [1, 0, 0] }), 'vector_dimension_mismatch');
    await refused(s.search.search(userA, TOKEN, { collection: 'nope', query: 'x' }), 'unknown_collection');
    // What the bus refuses before any handler runs: too large, a tenant named, a query and a vector at once.
    const invalid = (schema: typeof IngestDocumentRequest | typeof SearchRequest, payload: unknown) => expect(() => parsePayload(schema, payload)).toThrow(GardienError);
    invalid(IngestDocumentRequest, { collection: 'docs', text: 'x'.repeat(256 * 1024 + 1), purpose: 'support' });
    invalid(IngestDocumentRequest, { collection: 'docs', text: 'x', purpose: 'support', tenant_id: tenantB });
    invalid(SearchRequest, { collection: 'docs', query: 'x', filter: { tenant_id: tenantB } });
    invalid(SearchRequest, { collection: 'docs', query: 'x', vector: [1] });
    expect(await counts(tenantA)).toEqual(before);
    expect(await audits('document.accepted')).toHaveLength(audited);
  });

  test('metadata is ids and codes: generated personal data (emails, names, phones, IBANs, NIRs, SIRETs, cards, IPs, NUL, lone surrogates, too long) is refused as a document metadata value and as a filter value, and nothing is stored', async () => {
    const s = service();
    const before = await counts(tenantA);
    const audited = (await audits('document.accepted')).length;
    const payloads = qdrant.payloads().length;
    // As the bus hands a request to the handler: validated with the operation's schema first.
    const ingest = async (value: string) => s.documents.ingest(userA, TOKEN, parsePayload(IngestDocumentRequest, { collection: 'docs', text: 'Un court compte rendu.', purpose: 'support', metadata: { case_id: value } }));
    const search = async (value: string) => s.search.search(userA, TOKEN, parsePayload(SearchRequest, { collection: 'docs', query: 'compte rendu', filter: { metadata: { case_id: value } } }));
    const refused = async (attempt: Promise<unknown>, value: string) => {
      const error = await attempt.then(() => undefined, (rejection: unknown) => rejection);
      expect(error).toBeInstanceOf(GardienError);
      expect(error).toMatchObject({ code: ErrorCode.ValidationFailed });
      if (value.length > 3) expect(JSON.stringify(error)).not.toContain(value);
    };
    await fc.assert(
      fc.asyncProperty(hostileMetadataValue, async (value) => {
        await refused(ingest(value), value);
        await refused(search(value), value);
      }),
      { numRuns: 300 },
    );
    // Each kind of identifier, many times over: what the contract's pattern lets through, the vector store refuses.
    await fc.assert(
      fc.asyncProperty(identifierLikeValue, async (value) => {
        await refused(ingest(value), value);
        if (MetadataValue.safeParse(value).success) await expect(search(value)).rejects.toMatchObject({ reason: 'metadata_value_personal', details: [{ path: 'filter.metadata.*' }] });
      }),
      { numRuns: 300 },
    );
    expect(await counts(tenantA)).toEqual(before);
    expect(await audits('document.accepted')).toHaveLength(audited);
    expect(qdrant.payloads()).toHaveLength(payloads);
  });

  test('metadata of generated ids and codes (UUIDs, case numbers, categories, versions) is accepted, stored as given and filtered on', async () => {
    const s = service();
    await s.ingestion.idle();
    await fc.assert(
      fc.asyncProperty(validMetadataValue, async (value) => {
        const id = await ingested(s, userA, { text: 'Un court compte rendu.', metadata: { case_id: value } });
        expect((await s.documents.get(userA, { id })).metadata).toEqual({ case_id: value });
        const { results } = await s.search.search(userA, TOKEN, parsePayload(SearchRequest, { collection: 'docs', query: 'compte rendu', top_k: 50, filter: { metadata: { case_id: value } } }));
        expect(results.map((result) => result.document_id)).toContain(id);
      }),
      { numRuns: 12 },
    );
  });

  test('a failed ingestion leaves no chunk and no vector, and says why', async () => {
    const s = service();
    const before = await counts(tenantA);
    s.embedder.failAt = { call: s.embedder.calls.length + 1, error: new GardienError(ErrorCode.RateLimited, 'quota', undefined, { reason: 'quota_exceeded' }) };
    // More chunks than one batch: the second batch fails, after the first was embedded and counted.
    const manyChunks = Array.from({ length: 40 }, (_, i) => paragraph(i)).join('\n\n');
    const { id } = await s.documents.ingest(userA, TOKEN, { collection: 'docs', text: manyChunks, purpose: 'support' });
    await s.ingestion.idle();
    s.embedder.failAt = undefined;
    expect((await s.documents.get(userA, { id })).chunks_done).toBe(32);
    expect(await s.documents.get(userA, { id })).toMatchObject({ status: 'failed', failure: 'quota_exceeded' });
    expect(await s.backend.countDocument(tenantA, id, catalogue.spaces())).toBe(0);
    expect(await counts(tenantA)).toEqual({ ...before, documents: before.documents + 1 });
    s.embedder.wrongDimensions = 63;
    const wrong = await s.documents.ingest(userA, TOKEN, { collection: 'docs', text: 'Un court document.', purpose: 'support' });
    await s.ingestion.idle();
    s.embedder.wrongDimensions = undefined;
    expect(await s.documents.get(userA, { id: wrong.id })).toMatchObject({ status: 'failed', failure: 'embedding_dimension_mismatch' });
    expect((await audits('document.failed')).filter((entry) => [id, wrong.id].includes(entry.target!.id)).map((entry) => entry.details.reason).sort()).toEqual(['embedding-dimension-mismatch', 'quota-exceeded']);
  });

  test('deleting a document removes its vectors and chunks, audited', async () => {
    const s = service();
    const id = await ingested(s, userA);
    const before = await counts(tenantA);
    await s.documents.delete(userA, { id });
    expect(await s.backend.countDocument(tenantA, id, catalogue.spaces())).toBe(0);
    const after = await counts(tenantA);
    expect(after.documents).toBe(before.documents - 1);
    expect(after.chunks).toBeLessThan(before.chunks);
    await expect(s.documents.get(userA, { id })).rejects.toMatchObject({ code: ErrorCode.NotFound });
    expect((await audits('document.deleted')).map((entry) => entry.target!.id)).toContain(id);
  });
});

test('Qdrant unreachable: 503 for ingestion, search and deletion, and nothing lost from (or added to) Postgres', async () => {
  const id = await ingested(onQdrant, userA);
  const before = await counts(tenantA);
  qdrant.failing = true;
  try {
    const unavailable = { code: ErrorCode.Unavailable, reason: 'vector_backend_unavailable' };
    await expect(onQdrant.search.search(userA, TOKEN, { collection: 'docs', query: 'facture' })).rejects.toMatchObject(unavailable);
    await expect(onQdrant.documents.delete(userA, { id })).rejects.toMatchObject(unavailable);
    expect(await counts(tenantA)).toEqual(before);
    // A space not yet ensured: the ingestion is refused before anything is written.
    const fresh = new QdrantVectorBackend({ url: qdrant.url, timeoutMs: 2_000 });
    await expect(serviceOn(fresh).documents.ingest(userA, TOKEN, { collection: 'docs', text: 'x', purpose: 'support' })).rejects.toMatchObject(unavailable);
    expect(await counts(tenantA)).toEqual(before);
  } finally {
    qdrant.failing = false;
  }
  expect(await onQdrant.documents.get(userA, { id })).toMatchObject({ status: 'ready' });
  expect((await onQdrant.search.search(userA, TOKEN, { collection: 'docs', query: 'facture 2' })).results.length).toBeGreaterThan(0);
});

test('no audit entry holds a document, a chunk or a query', async () => {
  const outbox = JSON.stringify(await runtime.query("SELECT payload FROM gardien_outbox WHERE subject LIKE 'gardien.audit.vector-store.%'"));
  expect(outbox).toContain('document.stored');
  expect(findLeaks(outbox, canaries)).toEqual([]);
  expect(outbox).not.toMatch(/facture|Paragraphe/);
});

test('each search is audited (documents.searched): collection, results, top_k, purpose; never the query', async () => {
  const before = new Set((await audits('documents.searched')).map((entry) => entry.id));
  const { results } = await embedded.search.search(userA, TOKEN, { collection: 'docs', query: `facture 3 ${canaries.email}`, top_k: 3, purpose: 'support' });
  await embedded.search.search(userB, TOKEN, { collection: 'docs', vector: Array.from({ length: 64 }, (_, i) => (i === 0 ? 1 : 0)) });
  const entries = (await audits('documents.searched')).filter((entry) => !before.has(entry.id));
  const by = (entry: { details: Record<string, unknown> }) => String(entry.details.by);
  expect(entries.map(({ tenantId, target, details }) => ({ tenantId, target, details })).sort((a, b) => by(a).localeCompare(by(b)))).toEqual([
    { tenantId: tenantA, target: null, details: { collection: 'docs', results: results.length, topK: 3, purpose: purposeAuditRef(tenantA, 'support'), by: 'query' } },
    { tenantId: tenantB, target: null, details: { collection: 'docs', results: 0, topK: 5, purpose: null, by: 'vector' } },
  ]);
  expect(findLeaks(JSON.stringify(entries), canaries)).toEqual([]);
  expect(JSON.stringify(entries)).not.toMatch(/facture/);
});

describe('ingestion limits, under concurrent acceptances', () => {
  const documentsOf = async (tenantId: string) => (await counts(tenantId)).documents;
  const outcomes = async (service: Service, callers: readonly Caller[]) =>
    Promise.allSettled(callers.map((caller) => service.documents.ingest(caller, TOKEN, { collection: 'docs', text: 'Un court compte rendu.', purpose: 'support' })));
  const reasons = (settled: ReadonlyArray<PromiseSettledResult<unknown>>) =>
    settled.flatMap((outcome) => (outcome.status === 'rejected' ? [(outcome.reason as GardienError).reason ?? 'none'] : ['accepted'])).sort();

  test('30 ingestions at once with concurrency 1 and queue 1: 2 accepted, 28 refused (503 ingestion_queue_full) and nothing stored for them', async () => {
    const service = serviceOn(new EmbeddedVectorBackend(runtime), { concurrency: 1, queue: 1, perTenant: 100 });
    let open!: () => void;
    service.embedder.gate = new Promise((resolve) => (open = resolve));
    const tenant = randomUUID();
    const callers = Array.from({ length: 30 }, () => as({ kind: 'user', id: randomUUID(), tenantId: tenant, roles: ['user'] }));
    const settled = await outcomes(service, callers);
    expect(reasons(settled)).toEqual([...Array(2).fill('accepted'), ...Array(28).fill('ingestion_queue_full')]);
    const refused = settled.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: ErrorCode.Unavailable });
    expect(await documentsOf(tenant)).toBe(2);
    open();
    service.embedder.gate = undefined;
    await service.ingestion.idle();
    // The places come back: once idle, ingestions are accepted again; a failed acceptance gives its place back.
    await expect(service.documents.ingest(callers[0]!, TOKEN, { collection: 'unknown', text: 'x', purpose: 'support' })).rejects.toMatchObject({ reason: 'unknown_collection' });
    expect(reasons(await outcomes(service, callers.slice(0, 2)))).toEqual(['accepted', 'accepted']);
    await service.ingestion.idle();
  });

  test("a document that would take the tenant's space past the embedded index's bound is refused at once (413 vector_space_full), nothing stored", async () => {
    const service = serviceOn(new EmbeddedVectorBackend(runtime, { maxCachedPoints: 5 }));
    const tenant = randomUUID();
    const caller = as({ kind: 'user', id: randomUUID(), tenantId: tenant, roles: ['user'] });
    await expect(service.documents.ingest(caller, TOKEN, { collection: 'docs', text: longText, purpose: 'support' })).rejects.toMatchObject({ code: ErrorCode.PayloadTooLarge, reason: 'vector_space_full' });
    expect(await counts(tenant)).toEqual({ documents: 0, chunks: 0, points: 0 });
    expect((await service.documents.ingest(caller, TOKEN, { collection: 'docs', text: 'Un court compte rendu.', purpose: 'support' })).status).toBe('processing');
    await service.ingestion.idle();
  });

  test("a tenant's large documents hold up another tenant's by a batch or two, not by whole documents: the turns go to each tenant in turn", async () => {
    const service = serviceOn(new EmbeddedVectorBackend(runtime), { concurrency: 1, queue: 8, perTenant: 8 });
    let open!: () => void;
    service.embedder.gate = new Promise((resolve) => (open = resolve));
    const [busy, late] = [randomUUID(), randomUUID()];
    const busyCaller = as({ kind: 'user', id: randomUUID(), tenantId: busy, roles: ['user'] });
    const lateCaller = as({ kind: 'user', id: randomUUID(), tenantId: late, roles: ['user'] });
    // Three documents of several batches each (of EMBEDDING_BATCH chunks), the first one's first batch held at the gate; then a one-batch document of another tenant.
    const large = Array.from({ length: 3 * EMBEDDING_BATCH }, (_, i) => paragraph(i)).join('\n\n');
    for (let i = 0; i < 3; i++) await service.documents.ingest(busyCaller, TOKEN, { collection: 'docs', text: large, purpose: 'support' });
    await service.documents.ingest(lateCaller, TOKEN, { collection: 'docs', text: 'Un court compte rendu.', purpose: 'support' });
    open();
    service.embedder.gate = undefined;
    await service.ingestion.idle();
    const order = service.embedder.calls.map((call) => (call.caller === lateCaller.principal.id ? 'late' : 'busy'));
    expect(order.filter((who) => who === 'busy').length).toBeGreaterThanOrEqual(3 * 3);
    // The late tenant's batch is the second embedded: right after the one under way when it came.
    expect(order.indexOf('late')).toBe(1);
    expect((await counts(late)).documents).toBe(1);
  });

  test("a tenant's documents are embedded one after the other, in the order they came (each finishes before the next starts, at concurrency 1): none waits on the others to finish together", async () => {
    const service = serviceOn(new EmbeddedVectorBackend(runtime), { concurrency: 1, queue: 8, perTenant: 8 });
    const caller = as({ kind: 'user', id: randomUUID(), tenantId: randomUUID(), roles: ['user'] });
    const documentText = (n: number) => Array.from({ length: 2 * EMBEDDING_BATCH }, (_, i) => `Document${n}. ${paragraph(i)}`).join('\n\n');
    for (let n = 0; n < 3; n++) await service.documents.ingest(caller, TOKEN, { collection: 'docs', text: documentText(n), purpose: 'support' });
    await service.ingestion.idle();
    const documentOf = (texts: readonly string[]) => Number(/Document(\d)\./.exec(texts[0]!)![1]);
    const order = service.embedder.calls.map((call) => documentOf(call.texts));
    expect(order.length).toBeGreaterThanOrEqual(6);
    expect(order).toEqual([...order].sort());
  });

  test("a tenant has at most perTenant documents waiting or running: the others are refused (429 ingestion_tenant_limit), another tenant's accepted", async () => {
    const service = serviceOn(new EmbeddedVectorBackend(runtime), { concurrency: 2, queue: 50, perTenant: 3 });
    let open!: () => void;
    service.embedder.gate = new Promise((resolve) => (open = resolve));
    const [busy, other] = [randomUUID(), randomUUID()];
    const settled = await outcomes(service, Array.from({ length: 10 }, () => as({ kind: 'user', id: randomUUID(), tenantId: busy, roles: ['user'] })));
    expect(reasons(settled)).toEqual([...Array(3).fill('accepted'), ...Array(7).fill('ingestion_tenant_limit')]);
    expect((settled.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({ code: ErrorCode.RateLimited });
    expect(reasons(await outcomes(service, [as({ kind: 'user', id: randomUUID(), tenantId: other, roles: ['user'] })]))).toEqual(['accepted']);
    expect(await documentsOf(busy)).toBe(3);
    open();
    service.embedder.gate = undefined;
    await service.ingestion.idle();
    // Finished: the tenant's places are free again.
    expect(reasons(await outcomes(service, [as({ kind: 'user', id: randomUUID(), tenantId: busy, roles: ['user'] })]))).toEqual(['accepted']);
    await service.ingestion.idle();
  });
});
