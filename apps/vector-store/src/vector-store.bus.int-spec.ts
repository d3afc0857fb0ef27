// The vector store as runService mounts it (AppModule: the platform's operations, the documents,
// the subject operations with the backend's points), over a real nats-server, its callers' tokens
// verified: a user ingests a document, follows it to `ready`, searches it, deletes it; the gateway
// (a responder here, as auth's token exchange is) receives the caller's token exchanged for its
// audience, never the caller's own; a tenant named in a search's filter is refused by the bus
// contract; another tenant finds nothing; a document's expiry comes from its purpose's retention,
// asked of the tenant (a responder) with the vector store's own token; the rights pipeline erases a
// subject's points and chunks.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { jetstream } from '@nats-io/jetstream';
import { connect, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { pino } from 'pino';
import type { DataSource } from 'typeorm';
import {
  BusClient,
  ErrorCode,
  HEADER_AUTHORIZATION,
  LLM_OPERATIONS,
  TENANT_EVENTS,
  TENANT_OPERATIONS,
  TOKEN_ISSUER,
  VECTOR_STORE_OPERATIONS,
  audienceOf,
  serviceOperations,
  serviceTokenOperation,
  tokenExchangeOperation,
  type AccessTokenClaims,
  type BusOperation,
  type Principal,
  type ReplyOf,
  type RequestOf,
} from '@gardien/contracts';
import { ServiceTokens, TokenVerifier } from '@gardien/authz';
import { BlindIndex, LocalKms, PostgresSubjectKeyStore, PostgresTenantKeyStore, SubjectKeyRing, generateMasterKeyFile } from '@gardien/crypto';
import { ServiceMetrics } from '@gardien/observability';
import { OutboxRelay, declaredMigrations, openServiceDatabase, tenantScopedSql, withTenant } from '@gardien/persistence';
import { BusExceptionFilter, ReadyNatsServer } from '@gardien/platform';
import { ADMIN_URL, PrivateNats, createDeclaredJetStream, dropTestDatabases, testDatabasePrefix, waitFor } from '@gardien/testing';
import { AppModule } from './app.module.js';
import type { VectorStoreConfig } from './config.js';
import { VECTOR_STORE_DATABASE } from './database.js';
import { wordVector } from './testing/fake-embedder.js';

const prefix = testDatabasePrefix();
const dir = mkdtempSync(join(tmpdir(), 'gardien-vector-bus-'));
const tenantA = randomUUID();
const tenantB = randomUUID();
const userA: Principal = { kind: 'user', id: randomUUID(), tenantId: tenantA, roles: ['user'], mfa: true };
const userB: Principal = { kind: 'user', id: randomUUID(), tenantId: tenantB, roles: ['user'], mfa: true };
const pipeline: Principal = { kind: 'service', id: 'rights-pipeline', tenantId: null, roles: [], mfa: false };
const config = {
  GARDIEN_VECTOR_BACKEND: 'embedded',
  GARDIEN_EMBEDDING_MODEL: 'probe-embed',
  GARDIEN_EMBEDDING_DIMENSIONS: 64,
  GARDIEN_VECTOR_INDEX_MAX_POINTS: 10_000,
  GARDIEN_INGESTION_CONCURRENCY: 2,
  GARDIEN_INGESTION_QUEUE: 8,
} as VectorStoreConfig;

let runtime: DataSource;
let nats: PrivateNats;
let connection: NatsConnection;
let app: INestMicroservice;
let bus: BusClient;
let signingKey: CryptoKey;
/** The models the gateway's models.list answers the caller may call. */
let servedModels = [{ id: 'probe-embed', capabilities: ['embeddings'], context_length: 512, owned_by: 'gardien', description: null }];
/** The tenant policies the vector store asked for (the retention of a document's purpose), with the token each carried. */
const policyCalls: Array<{ token: string | undefined; tenantId: string }> = [];
const gatewayCalls: Array<{ token: string | undefined; payload: { model: string; input: string[]; purpose?: string; subject?: string } }> = [];

function respondAs(subject: string, answer: (payload: unknown, token: string | undefined) => unknown): void {
  connection.subscribe(subject, {
    callback: (error, message: Msg) => {
      if (error) return;
      const packet = JSON.parse(message.string()) as { data: unknown; id: string };
      const token = message.headers?.get(HEADER_AUTHORIZATION)?.replace(/^Bearer /, '');
      message.respond(JSON.stringify({ id: packet.id, response: answer(packet.data, token), isDisposed: true }));
    },
  });
}

/** The `sub` claim of a JWT (its signature is the verifier's business, not this fake's). */
function subjectOf(token: string | undefined): string {
  const payload = token?.split('.')[1];
  return payload ? String((JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown }).sub) : 'none';
}

async function tokenOf(principal: Principal, audience = audienceOf('vector-store')): Promise<string> {
  const claims: Omit<AccessTokenClaims, 'sub'> = { tid: principal.tenantId, kind: principal.kind, roles: principal.roles, mfa: principal.mfa };
  return new SignJWT({ ...claims }).setProtectedHeader({ alg: 'EdDSA', kid: 'k1' }).setIssuer(TOKEN_ISSUER).setAudience(audience).setSubject(principal.id).setIssuedAt().setExpirationTime('5m').sign(signingKey);
}

const call = async <O extends BusOperation>(who: Principal, operation: O, payload: unknown): Promise<ReplyOf<O>> =>
  bus.call(operation, payload as RequestOf<O>, { requestId: randomUUID(), token: await tokenOf(who) });

/** The document's state once it is no longer processing (given 30 s: CI runs on a loaded machine). */
async function ready(who: Principal, id: string): Promise<ReplyOf<typeof VECTOR_STORE_OPERATIONS.getDocument>> {
  const stateOf = () => call(who, VECTOR_STORE_OPERATIONS.getDocument, { id });
  await waitFor(async () => (await stateOf()).status !== 'processing', 30_000, 'the document to be processed');
  return stateOf();
}

beforeAll(async () => {
  ({ runtime } = await openServiceDatabase({ service: 'vector-store', prefix, adminUrl: ADMIN_URL, migrations: declaredMigrations(VECTOR_STORE_DATABASE) }));
  await generateMasterKeyFile(join(dir, 'master.key'));
  const kms = await LocalKms.open({ service: 'vector-store', dataDir: dir, masterKeyFile: join(dir, 'master.key'), generateMasterKeyIfMissing: false });
  const sql = tenantScopedSql(runtime);
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  signingKey = privateKey;
  const { x } = await exportJWK(publicKey);
  const keySet = { keys: [{ kty: 'OKP' as const, crv: 'Ed25519' as const, x: x!, kid: 'k1', alg: 'EdDSA' as const, use: 'sig' as const }] };
  nats = await PrivateNats.start();
  connection = await connect({ servers: nats.url });
  await createDeclaredJetStream(connection);
  // Auth's exchange (the caller's token re-issued for the gateway: named here by the subject of the
  // token it was given, which stays the same when a later call's token is signed a second later) and
  // the gateway's embeddings.
  respondAs(tokenExchangeOperation('vector-store').subject, (_, token) => ({ access_token: `for-gateway:${subjectOf(token)}`, expires_in: 300 }));
  respondAs(LLM_OPERATIONS.listModels.subject, () => ({ models: servedModels }));
  // Auth's service token for the vector store, and the tenant's policy: tenant A's purpose `short` is kept a day.
  respondAs(serviceTokenOperation('vector-store').subject, () => ({ access_token: 'vector-store-own-token', expires_in: 300 }));
  respondAs(TENANT_OPERATIONS.getModelPolicy.subject, (payload, token) => {
    const tenantId = (payload as { tenant_id: string }).tenant_id;
    policyCalls.push({ token, tenantId });
    const quotas = { requests_per_minute: 600, requests_per_day: 100_000, tokens_per_minute: 100_000, tokens_per_day: 1_000_000, api_key: {} };
    const purposes = [
      { id: 'support', legal_basis: 'contract' },
      { id: 'consented', legal_basis: 'consent' },
      ...(tenantId === tenantA ? [{ id: 'short', legal_basis: 'contract', retention_days: 1 }] : []),
    ];
    return { tenant_id: tenantId, active: true, allowed_models: ['probe-embed'], quotas, guards: { injection: 'block', output_leaks: 'block' }, purposes };
  });
  respondAs(LLM_OPERATIONS.embeddings.subject, (payload, token) => {
    const request = payload as (typeof gatewayCalls)[number]['payload'];
    gatewayCalls.push({ token, payload: request });
    return { model: request.model, embeddings: request.input.map((text) => wordVector(text, 64)), usage: { prompt_tokens: request.input.length } };
  });
  const logger = pino({ level: 'silent' });
  const busClient = new BusClient(connection, 5_000);
  const module = AppModule.register({
    service: 'vector-store',
    config,
    logger,
    metrics: new ServiceMetrics('vector-store'),
    dataSource: runtime,
    connection,
    bus: busClient,
    serviceTokens: new ServiceTokens(busClient, 'vector-store'),
    outbox: new OutboxRelay(runtime, jetstream(connection), logger),
    kms,
    keyRing: new SubjectKeyRing({ service: 'vector-store', kms, store: new PostgresSubjectKeyStore(sql) }),
    blindIndex: new BlindIndex({ service: 'vector-store', kms, store: new PostgresTenantKeyStore(sql) }),
    tokens: new TokenVerifier(async () => keySet, { audience: audienceOf('vector-store') }),
    inventory: VECTOR_STORE_DATABASE.inventory,
    instanceId: 'vector-store-test',
    startedAt: Date.now(),
  });
  app = await NestFactory.createMicroservice<MicroserviceOptions>(module, { strategy: new ReadyNatsServer({ servers: nats.url, queue: 'vector-store' }), logger: false });
  app.useGlobalFilters(new BusExceptionFilter(logger));
  await app.listen();
  bus = new BusClient(connection, 10_000);
});

afterAll(async () => {
  await app?.close();
  await connection?.close();
  await nats?.dispose();
  await runtime?.destroy();
  await dropTestDatabases(prefix);
  rmSync(dir, { recursive: true, force: true });
});

const text = Array.from({ length: 6 }, (_, i) => `Compte rendu ${i}: la facture ${i} du dossier est réglée, le remboursement ${i} suit.`.repeat(12)).join('\n\n');

test('a user ingests, follows, searches and deletes a document; the gateway gets the exchanged token', async () => {
  expect(await call(userA, VECTOR_STORE_OPERATIONS.listCollections, {})).toEqual({ collections: [{ id: 'documents', model: 'probe-embed', dimensions: 64, metadata_fields: [] }] });
  const accepted = await call(userA, VECTOR_STORE_OPERATIONS.ingestDocument, { collection: 'documents', text, purpose: 'support' });
  expect(accepted).toEqual({ id: expect.any(String), status: 'processing' });
  const state = await ready(userA, accepted.id);
  expect(state).toMatchObject({ status: 'ready', chunks_done: state.chunks_total, classification: 'internal' });
  expect(gatewayCalls.length).toBeGreaterThan(0);
  for (const { token, payload } of gatewayCalls) {
    expect(token).toBe(`for-gateway:${userA.id}`);
    expect(payload).toMatchObject({ model: 'probe-embed', purpose: 'support' });
  }
  const { results } = await call(userA, VECTOR_STORE_OPERATIONS.search, { collection: 'documents', query: 'facture 4 remboursement 4', top_k: 2, purpose: 'support' });
  expect(results).toHaveLength(2);
  expect(results[0]).toMatchObject({ document_id: accepted.id });
  expect(results[0]!.chunk).toContain('facture 4');

  // Another tenant sees nothing of it; a tenant in the filter is refused by the contract.
  expect((await call(userB, VECTOR_STORE_OPERATIONS.search, { collection: 'documents', query: 'facture 4' })).results).toEqual([]);
  await expect(call(userB, VECTOR_STORE_OPERATIONS.getDocument, { id: accepted.id })).rejects.toMatchObject({ code: ErrorCode.NotFound });
  await expect(call(userB, VECTOR_STORE_OPERATIONS.search, { collection: 'documents', query: 'facture', filter: { tenant_id: tenantA } })).rejects.toMatchObject({ code: ErrorCode.ValidationFailed });
  await expect(call(userB, VECTOR_STORE_OPERATIONS.search, { collection: 'documents', vector: [1, 2, 3] })).rejects.toMatchObject({ reason: 'vector_dimension_mismatch' });
  // Beyond float32 (NaN scores before): refused at the boundary, 400.
  await expect(call(userB, VECTOR_STORE_OPERATIONS.search, { collection: 'documents', vector: [1e39, ...Array<number>(63).fill(0)] })).rejects.toMatchObject({ code: ErrorCode.ValidationFailed, reason: 'vector_invalid' });

  expect(await call(userA, VECTOR_STORE_OPERATIONS.deleteDocument, { id: accepted.id })).toEqual({});
  expect((await call(userA, VECTOR_STORE_OPERATIONS.search, { collection: 'documents', query: 'facture 4' })).results).toEqual([]);
});

test('a collection whose model the gateway does not serve the caller (not allowed, not running) refuses the document at once: 503 embedding_model_unavailable, nothing stored', async () => {
  const documents = () => withTenant(runtime, tenantA, async (m) => (await m.query<Array<{ n: number }>>('SELECT count(*)::int AS n FROM vector_documents'))[0]!.n);
  const before = await documents();
  const served = servedModels;
  try {
    servedModels = [{ ...served[0]!, capabilities: ['chat'] }];
    await expect(call(userA, VECTOR_STORE_OPERATIONS.ingestDocument, { collection: 'documents', text, purpose: 'support' })).rejects.toMatchObject({ code: ErrorCode.Unavailable, reason: 'embedding_model_unavailable' });
    servedModels = [];
    await expect(call(userA, VECTOR_STORE_OPERATIONS.ingestDocument, { collection: 'documents', text, purpose: 'support' })).rejects.toMatchObject({ reason: 'embedding_model_unavailable' });
    expect(await documents()).toBe(before);
  } finally {
    servedModels = served;
  }
});

test("a document's expiry comes from its purpose's retention, asked of the tenant service with the vector store's own token", async () => {
  const audited = async (id: string) => {
    const rows: Array<{ payload: { details: Record<string, unknown> } }> = await runtime.query("SELECT payload FROM gardien_outbox WHERE subject = 'gardien.audit.vector-store.document.accepted' AND payload->'target'->>'id' = $1", [id]);
    return rows.map((row) => row.payload.details.retentionDays);
  };
  const expiry = async (id: string) => {
    const [row] = await withTenant(runtime, tenantA, (m) => m.query<Array<{ days: number }>>("SELECT round(extract(epoch FROM expires_at - created_at) / 86400)::int AS days FROM vector_documents WHERE id = $1", [id]));
    return row!.days;
  };
  policyCalls.length = 0;
  const short = await call(userA, VECTOR_STORE_OPERATIONS.ingestDocument, { collection: 'documents', text, purpose: 'short' });
  const unbounded = await call(userA, VECTOR_STORE_OPERATIONS.ingestDocument, { collection: 'documents', text, purpose: 'support' });
  await ready(userA, short.id);
  await ready(userA, unbounded.id);
  expect(await expiry(short.id)).toBe(1);
  expect(await expiry(unbounded.id)).toBe(365);
  expect(await audited(short.id)).toEqual([1]);
  expect(policyCalls.length).toBeGreaterThanOrEqual(2);
  for (const { token, tenantId } of policyCalls) expect({ token, tenantId }).toEqual({ token: 'vector-store-own-token', tenantId: tenantA });
  await call(userA, VECTOR_STORE_OPERATIONS.deleteDocument, { id: short.id });
  await call(userA, VECTOR_STORE_OPERATIONS.deleteDocument, { id: unbounded.id });
});

test('a document for a purpose its tenant does not declare, or one based on consent (which cannot be checked yet), is refused at once (403), a blank one too (400): nothing stored', async () => {
  const documents = () => withTenant(runtime, tenantA, async (m) => (await m.query<Array<{ n: number }>>('SELECT count(*)::int AS n FROM vector_documents'))[0]!.n);
  const before = await documents();
  await expect(call(userA, VECTOR_STORE_OPERATIONS.ingestDocument, { collection: 'documents', text, purpose: 'marketing' })).rejects.toMatchObject({ code: ErrorCode.Forbidden, reason: 'document_purpose_undeclared' });
  await expect(call(userA, VECTOR_STORE_OPERATIONS.ingestDocument, { collection: 'documents', text, purpose: 'consented' })).rejects.toMatchObject({ code: ErrorCode.Forbidden, reason: 'document_consent_not_verifiable' });
  await expect(call(userA, VECTOR_STORE_OPERATIONS.ingestDocument, { collection: 'documents', text: ' \n\t\n ', purpose: 'support' })).rejects.toMatchObject({ code: ErrorCode.ValidationFailed, reason: 'document_empty' });
  expect(await documents()).toBe(before);
});

test("the rights pipeline erases a subject: its points and chunks go, another subject's stay", async () => {
  const person = randomUUID();
  const other = randomUUID();
  const mine = await call(userA, VECTOR_STORE_OPERATIONS.ingestDocument, { collection: 'documents', text, purpose: 'support', subject_id: person });
  const theirs = await call(userA, VECTOR_STORE_OPERATIONS.ingestDocument, { collection: 'documents', text, purpose: 'support', subject_id: other });
  await ready(userA, mine.id);
  await ready(userA, theirs.id);
  const erasure = serviceOperations('vector-store').subjectErase;
  const erased = await bus.call(erasure, { tenant_id: tenantA, subject_id: person }, { requestId: randomUUID(), token: await tokenOf(pipeline) });
  expect(erased).toMatchObject({ changed: true, keys_destroyed: 1 });
  const left = await withTenant(runtime, tenantA, (m) =>
    m.query<Array<{ document_id: string; n: number }>>('SELECT document_id, count(*)::int AS n FROM vector_points GROUP BY document_id'),
  );
  // Of this test's two documents (an earlier test that failed half-way may have left one of its own).
  const ofThisTest = (ids: string[]) => new Set(ids.filter((id) => id === mine.id || id === theirs.id));
  expect(ofThisTest(left.map((row) => row.document_id))).toEqual(new Set([theirs.id]));
  const results = (await call(userA, VECTOR_STORE_OPERATIONS.search, { collection: 'documents', query: 'facture', top_k: 50 })).results;
  expect(ofThisTest(results.map((r) => r.document_id))).toEqual(new Set([theirs.id]));
  // Only the rights pipeline may erase.
  await expect(bus.call(erasure, { tenant_id: tenantA, subject_id: other }, { requestId: randomUUID(), token: await tokenOf(userA) })).rejects.toMatchObject({ code: ErrorCode.Forbidden });
});

test("a tenant.deleted event erases the tenant here: its documents, chunks and points go, another tenant's stay", async () => {
  const doomed = await call(userA, VECTOR_STORE_OPERATIONS.ingestDocument, { collection: 'documents', text, purpose: 'support' });
  const kept = await call(userB, VECTOR_STORE_OPERATIONS.ingestDocument, { collection: 'documents', text, purpose: 'support' });
  await ready(userA, doomed.id);
  await ready(userB, kept.id);
  expect((await call(userA, VECTOR_STORE_OPERATIONS.search, { collection: 'documents', query: 'facture' })).results.length).toBeGreaterThan(0);
  // Published as the tenant service's outbox relay does (the outbox row id as Nats-Msg-Id).
  await jetstream(connection).publish(TENANT_EVENTS.deleted, JSON.stringify({ tenantId: tenantA }), { msgID: randomUUID() });
  const countOf = (tenantId: string, table: string) => withTenant(runtime, tenantId, async (m) => (await m.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n);
  await waitFor(async () => (await countOf(tenantA, 'vector_documents')) === 0, 10_000, "tenant A's documents erased");
  for (const table of ['vector_documents', 'vector_chunks', 'vector_points']) expect(await countOf(tenantA, table)).toBe(0);
  expect((await call(userA, VECTOR_STORE_OPERATIONS.search, { collection: 'documents', query: 'facture' })).results).toEqual([]);
  expect(await countOf(tenantB, 'vector_documents')).toBe(1);
  expect((await call(userB, VECTOR_STORE_OPERATIONS.search, { collection: 'documents', query: 'facture' })).results.length).toBeGreaterThan(0);
});
