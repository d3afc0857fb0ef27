// The audit log with every service running as processes: what the services audit reaches the log
// of its tenant, an auditor of that tenant exports it and `gardien audit verify` accepts it (and
// refuses it edited); the audit service stopped while entries are produced loses none and
// duplicates none; every action of the catalogue a tenant's people and the platform take for it
// reaches the tenant's log, with none of the personal data planted on the way. An auditor reads no
// other tenant's log by any audit operation (REST, GraphQL, straight on the bus), and writes
// nothing anywhere: every other operation of the bus catalogue, every route of the OpenAPI document
// but GET and every GraphQL mutation refuses it, and no table changes.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import {
  AUDIT_ACTION_NAMES,
  AUDIT_OPERATIONS,
  AUTH_OPERATIONS,
  BUS_OPERATIONS,
  BusClient,
  PLATFORM_TENANT_ID,
  operationsOf,
  serviceOperations,
  serviceTokenOperation,
  tokenExchangeOperation,
  type BusOperation,
  type BusService,
  type BusUser,
} from '@gardien/contracts';
import {
  ADMIN_URL,
    ModelRuntimeServer,
  servedAssistantEnv,
  PlatformProcesses,
  PrivateNats,
  connectAs,
  dropTestDatabases,
  findLeaks,
  outboxAuditRows,
  suiteCanaries,
  tableDigests,
  testDatabasePrefix,
  waitFor,
} from '@gardien/testing';
import {
  EdgeClient,
  bootstrapTenantA,
  documentedOperations,
  freshTotp,
  graphqlCall,
  graphqlSchema,
  runCli,
  someClientAddress,
  totpSecretOf,
  type DocumentedOperation,
  type HttpAnswer,
} from './identity-support.js';

const prefix = testDatabasePrefix();
const PASSWORD = 'a passphrase long enough to pass';
const AUDITOR_EMAIL = 'auditor@a.example';
const canaries = suiteCanaries();
const usedCodes = new Set<string>();
const dir = mkdtempSync(join(tmpdir(), 'gardien-audit-e2e-'));

/** Collections of the vector store: one of the model's dimension, one declaring another (its documents fail). */
const COLLECTION = 'dossiers';
const MISCONFIGURED_COLLECTION = 'mal-configuree';

let nats: PrivateNats;
let runtime: ModelRuntimeServer;
let platform: PlatformProcesses;
let edge: EdgeClient;
let tenantA = '';
let adminToken = '';
let auditorToken = '';
let rootToken = '';
/** Tenant B, with an auditor of its own; `markers`: what of B's log would show in an answer that held any of it. */
const B = { tenant: '', adminToken: '', auditorToken: '', markers: [] as string[] };

function ok(answer: HttpAnswer, status: number): HttpAnswer {
  if (answer.status !== status) throw new Error(`expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer;
}

const fromElsewhere = () => ({ 'x-forwarded-for': someClientAddress() });

/**
 * The answer of a call that guesses a password (a wrong one on purpose): the back-off after the
 * previous guess first answers 429 (or RATE_LIMITED on GraphQL), and the call is made again once it
 * has run out, so that the answer is the one about the guess itself.
 */
async function pastBackOff(call: () => Promise<HttpAnswer>): Promise<HttpAnswer> {
  for (let attempt = 0; ; attempt++) {
    const answer = await call();
    const throttled = answer.status === 429 || answer.body?.errors?.[0]?.extensions?.code === 'RATE_LIMITED';
    if (!throttled || attempt === 10) return answer;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function logIn(email: string, tenant: string | undefined, totpSecret?: string, password = PASSWORD): Promise<HttpAnswer> {
  const body = { email, password, ...(tenant ? { tenant } : {}), ...(totpSecret ? { totp: await freshTotp(totpSecret, usedCodes) } : {}) };
  return edge.call('POST', '/api/v1/auth/login', { body, headers: fromElsewhere() });
}

async function tokenOf(email: string, tenant: string | undefined, totpSecret?: string): Promise<string> {
  return ok(await logIn(email, tenant, totpSecret), 200).body.access_token;
}

/** An account of a tenant with `roles`, created by that tenant's administrator and logged in with its TOTP code. */
async function memberWithMfa(admin: string, slug: string, email: string, roles: string[]): Promise<string> {
  // A role that requires MFA is created with its TOTP secret, shown once.
  const created = ok(await edge.call('POST', '/api/v1/users', { token: admin, body: { email, password: PASSWORD, roles } }), 201);
  return tokenOf(email, slug, totpSecretOf(created.body.totp_uri));
}

interface ExportLine {
  index?: number;
  entry?: { id: string; action: string; target: { id: string } | null };
  leaf_hash?: string;
  tree_head?: { tree_size: number };
}

async function exportOf(token: string): Promise<{ text: string; lines: ExportLine[] }> {
  const response = await fetch(`${edge.baseUrl}/api/v1/audit/export`, { headers: { authorization: `Bearer ${token}` } });
  expect([response.status, response.headers.get('content-type')]).toEqual([200, 'application/jsonl; charset=utf-8']);
  const text = await response.text();
  return { text, lines: text.trimEnd().split('\n').map((line) => JSON.parse(line) as ExportLine) };
}

/** Waits until the log of A holds an entry for every target id given (the relay and the intake take a moment). */
async function untilLogged(targets: string[], actions: readonly string[] = [], timeoutMs = 30_000): Promise<ExportLine[]> {
  const started = Date.now();
  for (;;) {
    const { lines } = await exportOf(auditorToken);
    const seen = new Set(lines.flatMap((line) => (line.entry?.target ? [line.entry.target.id] : [])));
    const done = new Set(lines.flatMap((line) => (line.entry ? [line.entry.action] : [])));
    if (targets.every((target) => seen.has(target)) && actions.every((action) => done.has(action))) return lines;
    if (Date.now() - started > timeoutMs) {
      throw new Error(`not in the log after ${timeoutMs} ms: ${[...targets.filter((t) => !seen.has(t)), ...actions.filter((a) => !done.has(a))].join(', ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function verify(text: string, keys: unknown, name: string): Promise<{ code: number | null; verdict: Record<string, unknown> }> {
  const file = join(dir, name);
  writeFileSync(file, text);
  const keysFile = join(dir, `${name}.keys.json`);
  writeFileSync(keysFile, JSON.stringify(keys));
  const run = await runCli(['audit', 'verify', file, '--public-key', keysFile], {});
  return { code: run.code, verdict: JSON.parse(run.stdout || '{}') as Record<string, unknown> };
}

/** A caller's token (for the edge) exchanged, as the edge does, for one service. */
async function exchanged(bus: BusClient, token: string, audience: BusService): Promise<string> {
  return (await bus.call(tokenExchangeOperation('edge-api'), { audience }, { requestId: randomUUID(), token })).access_token;
}

/** How a bus call ended: `answered` with the answer's text, or the error's code with its message. */
async function outcomeOf(bus: BusClient, operation: BusOperation, payload: unknown, token: string): Promise<{ outcome: string; text: string }> {
  const context = { requestId: randomUUID(), token };
  try {
    if (!operation.streaming) return { outcome: 'answered', text: JSON.stringify(await bus.call(operation, payload as never, context)) };
    const parts: unknown[] = [];
    for await (const part of bus.stream(operation, payload as never, context)) parts.push(part);
    return { outcome: 'answered', text: JSON.stringify(parts) };
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    return { outcome: code ?? 'failed', text: message ?? '' };
  }
}

const showsB = (text: string) => B.markers.some((marker) => text.includes(marker));

beforeAll(async () => {
  nats = await PrivateNats.start();
  // A model runtime (a test server speaking Ollama's API) for the model calls and the documents' embeddings.
  runtime = new ModelRuntimeServer({ dimensions: 16 });
  await runtime.start();
  const collectionsFile = join(dir, 'collections.json');
  const collections = [
    { id: COLLECTION, model: 'assistant', dimensions: 16 },
    { id: MISCONFIGURED_COLLECTION, model: 'assistant', dimensions: 8 },
  ];
  writeFileSync(collectionsFile, JSON.stringify({ collections }));
  platform = await PlatformProcesses.start({
    databasePrefix: prefix,
    natsUrl: nats.url,
    env: { GARDIEN_TRUSTED_PROXIES: '127.0.0.1', GARDIEN_AUDIT_TREE_HEAD_INTERVAL_MS: '500' },
    serviceEnv: {
      // Auth's retention purge every second, so that a session made to look expired is purged (and audited) in the test.
      auth: { GARDIEN_RETENTION_INTERVAL_MS: '1000' },
      'llm-gateway': servedAssistantEnv(dir, runtime),
      // The vector store's too, so that a document made to look past its purpose's retention is removed in the test.
      'vector-store': { GARDIEN_VECTOR_COLLECTIONS_FILE: collectionsFile, GARDIEN_RETENTION_INTERVAL_MS: '1000' },
    },
  });
  edge = new EdgeClient(platform.edgeUrl);
  const result = await bootstrapTenantA(nats.url, PASSWORD);
  tenantA = result.tenant!.id;
  rootToken = await tokenOf('root@platform.example', undefined, totpSecretOf(result.superadmin.totp_uri));
  adminToken = await tokenOf('admin@a.example', 'tenant-a', totpSecretOf(result.tenant!.admin.totp_uri));
  ok(await edge.call('PATCH', `/api/v1/tenants/${tenantA}/settings`, { token: adminToken, body: { allowed_models: ['assistant'] } }), 200);
  auditorToken = await memberWithMfa(adminToken, 'tenant-a', AUDITOR_EMAIL, ['auditor']);
  // Tenant B, named after a person (a canary), with its administrator and auditor: its log holds their entries.
  B.tenant = ok(await edge.call('POST', '/api/v1/tenants', { token: rootToken, body: { slug: 'tenant-b', name: canaries.name } }), 201).body.id;
  const adminB = ok(await edge.call('POST', `/api/v1/tenants/${B.tenant}/admin`, { token: rootToken, body: { email: `admin.b.${canaries.email}`, password: PASSWORD } }), 201).body;
  B.adminToken = await tokenOf(`admin.b.${canaries.email}`, 'tenant-b', totpSecretOf(adminB.totp_uri));
  B.auditorToken = await memberWithMfa(B.adminToken, 'tenant-b', `auditor.b.${canaries.email}`, ['auditor']);
}, 120_000);

afterAll(async () => {
  await platform?.dispose();
  await runtime?.stop();
  await nats?.dispose();
  await dropTestDatabases(prefix);
  rmSync(dir, { recursive: true, force: true });
});

test('what the services audited is in the log of tenant A; its export verifies offline, and fails edited', async () => {
  const lines = await untilLogged([tenantA], ['tenant.created', 'user.created', 'login.succeeded']);
  const actions = new Set(lines.flatMap((line) => (line.entry ? [line.entry.action] : [])));
  for (const action of ['tenant.created', 'user.created', 'login.succeeded']) expect(actions).toContain(action);
  const keys = ok(await edge.call('GET', '/api/v1/audit/public-key'), 200).body;
  const { text } = await exportOf(auditorToken);
  // Ids and codes only: no email, name or password of the accounts the entries are about.
  for (const personal of ['@a.example', '@platform.example', PASSWORD]) expect(text).not.toContain(personal);
  const valid = await verify(text, keys, 'valid.jsonl');
  expect(valid).toMatchObject({ code: 0, verdict: { ok: true, log: tenantA, signature: 'valid', from: 0 } });
  const edited = text.split('\n');
  edited[1] = edited[1]!.replace('"outcome":"success"', '"outcome":"failure"');
  expect(await verify(edited.join('\n'), keys, 'edited.jsonl')).toEqual({ code: 1, verdict: { ok: false, index: 1, reason: 'changed' } });
}, 60_000);

test('entries produced while the audit service is down are all there after it restarts, once each, in order', async () => {
  await platform.kill('audit', 'SIGTERM');
  const created: string[] = [];
  for (let i = 0; i < 6; i++) created.push(ok(await edge.call('POST', '/api/v1/users', { token: adminToken, body: { email: `while-down-${i}@a.example`, password: PASSWORD, roles: ['user'] } }), 201).body.id);
  await platform.launch('audit', 'audit');
  const lines = await untilLogged(created);
  const entries = lines.filter((line) => line.entry !== undefined);
  expect(entries.map((line) => line.index)).toEqual(entries.map((_, i) => i));
  const ids = entries.map((line) => line.entry!.id);
  expect(new Set(ids).size).toBe(ids.length);
  const positions = created.map((id) => entries.findIndex((line) => line.entry!.action === 'user.created' && line.entry!.target?.id === id));
  expect(positions.every((p) => p >= 0)).toBe(true);
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  const { text } = await exportOf(auditorToken);
  expect(await verify(text, ok(await edge.call('GET', '/api/v1/audit/public-key'), 200).body, 'after-restart.jsonl')).toMatchObject({ code: 0, verdict: { ok: true } });
}, 90_000);

// --- reading: an auditor of A reads A's log, and no other ------------------------------------------

/** The audit service's reads that name a log (all but the public keys, which name none). */
const LOG_READS = operationsOf(AUDIT_OPERATIONS).filter((operation) => operation.authenticated);

/** Each read's arguments beyond the log it names, valid for a log of two entries or more: a refusal is then no validation error. */
function readArguments(action: string): Record<string, number> {
  const byAction: Record<string, Record<string, number>> = {
    'entries.list': {},
    'tree-head.get': {},
    'tree-heads.list': {},
    export: {},
    'proofs.inclusion': { index: 0, tree_size: 2 },
    'proofs.consistency': { first: 1, second: 2 },
  };
  const values = byAction[action];
  if (!values) throw new Error(`no arguments known for the audit read ${action}: add them to this test`);
  return values;
}

/** What of B's log an answer holding any of it would show: its id, its entries' ids and leaf hashes (read by B's own auditor). */
async function markB(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const { lines } = await exportOf(B.auditorToken);
  const entries = lines.filter((line) => line.entry);
  expect(entries.length).toBeGreaterThanOrEqual(2);
  B.markers = [B.tenant, ...entries.flatMap((line) => [line.entry!.id, line.leaf_hash!])];
}

test("REST and GraphQL: no audit operation of the published documents lets an auditor of A read B's log or the platform's; B's auditor reads B's with the same calls", async () => {
  await markB();
  const reads = (await documentedOperations(edge)).filter((op) => op.name.startsWith('audit.') && op.isolation === 'tenant-resource');
  expect(reads.map((op) => op.name).sort()).toEqual(LOG_READS.map((op) => `audit.${op.action}`).sort());
  const actionOf = (op: DocumentedOperation) => op.name.slice('audit.'.length);
  const rest = (op: DocumentedOperation, token: string, log?: string) => {
    const query = new URLSearchParams({ ...(log ? { tenant_id: log } : {}), ...Object.fromEntries(Object.entries(readArguments(actionOf(op))).map(([k, v]) => [k, String(v)])) });
    return edge.call('GET', `${op.path}?${query}`, { token });
  };
  const { roots, types } = await graphqlSchema(edge, auditorToken);
  const graphql = (op: DocumentedOperation, token: string, log?: string) => {
    const [kind, name] = op.graphql!.split('.') as [string, string];
    const field = roots.get(op.graphql!);
    if (!field) throw new Error(`GraphQL has no field ${name}`);
    return edge.graphql(graphqlCall(kind, field, { ...readArguments(actionOf(op)), ...(log ? { tenant_id: log } : {}) }, types), {}, token);
  };
  for (const op of reads) {
    // The positive control: the same call by B's auditor, on B's own log, shows B.
    const own = await rest(op, B.auditorToken);
    expect({ op: op.name, status: own.status, showsB: showsB(JSON.stringify(own.body)) }).toEqual({ op: op.name, status: 200, showsB: true });
    for (const log of [B.tenant, PLATFORM_TENANT_ID]) {
      const answer = await rest(op, auditorToken, log);
      expect({ op: op.name, log, status: answer.status, showsB: showsB(JSON.stringify(answer.body)) }).toEqual({ op: op.name, log, status: 403, showsB: false });
    }
    if (!op.graphql) continue;
    const ownGraphql = await graphql(op, B.auditorToken);
    expect({ op: op.graphql, errors: ownGraphql.body.errors, showsB: showsB(JSON.stringify(ownGraphql.body)) }).toEqual({ op: op.graphql, errors: undefined, showsB: true });
    for (const log of [B.tenant, PLATFORM_TENANT_ID]) {
      const answer = await graphql(op, auditorToken, log);
      const code = answer.body.errors?.[0]?.extensions?.code;
      expect({ op: op.graphql, log, code, showsB: showsB(JSON.stringify(answer.body)) }).toEqual({ op: op.graphql, log, code: 'FORBIDDEN', showsB: false });
    }
  }
  // Nor does the platform's super-admin read any log.
  expect((await edge.call('GET', '/api/v1/audit/entries', { token: rootToken })).status).toBe(403);
}, 60_000);

test("straight on the bus, as the edge carries a caller's requests: every audit read of the bus catalogue refuses an auditor of A naming B's log or the platform's", async () => {
  await markB();
  const connection = await connectAs(nats.url, 'edge-api');
  try {
    const bus = new BusClient(connection);
    const asA = await exchanged(bus, auditorToken, 'audit');
    const asB = await exchanged(bus, B.auditorToken, 'audit');
    for (const operation of LOG_READS) {
      const { subject } = operation;
      const own = await outcomeOf(bus, operation, readArguments(operation.action), asB);
      expect({ subject, outcome: own.outcome, showsB: showsB(own.text) }).toEqual({ subject, outcome: 'answered', showsB: true });
      for (const log of [B.tenant, PLATFORM_TENANT_ID]) {
        const refused = await outcomeOf(bus, operation, { tenant_id: log, ...readArguments(operation.action) }, asA);
        expect({ subject, log, outcome: refused.outcome, showsB: showsB(refused.text) }).toEqual({ subject, log, outcome: 'FORBIDDEN', showsB: false });
      }
      // The token the auditor holds is the edge's alone: the audit service does not take it.
      expect({ subject, asGiven: (await outcomeOf(bus, operation, { tenant_id: B.tenant, ...readArguments(operation.action) }, auditorToken)).outcome }).toEqual({ subject, asGiven: 'UNAUTHENTICATED' });
    }
    // The one read that names no log: the same public keys for everyone.
    const keys = await bus.call(AUDIT_OPERATIONS.publicKeys, {}, { requestId: randomUUID(), token: asA });
    expect(keys).toEqual(ok(await edge.call('GET', '/api/v1/audit/public-key'), 200).body);
  } finally {
    await connection.close();
  }
}, 60_000);

test('proofs outside the tree are 400 problems', async () => {
  const head = ok(await edge.call('GET', '/api/v1/audit/tree-head', { token: auditorToken }), 200).body as { tree_size: number };
  const outside = await edge.call('GET', `/api/v1/audit/proofs/inclusion?index=${head.tree_size}&tree_size=${head.tree_size}`, { token: auditorToken });
  expect([outside.status, outside.headers.get('content-type')?.split(';')[0], outside.body.reason]).toEqual([400, 'application/problem+json', 'proof_outside_tree']);
  const inside = ok(await edge.call('GET', `/api/v1/audit/proofs/inclusion?index=0&tree_size=${head.tree_size}`, { token: auditorToken }), 200);
  expect(inside.body).toMatchObject({ index: 0, tree_size: head.tree_size });
  expect((await edge.call('GET', `/api/v1/audit/proofs/consistency?first=${head.tree_size + 1}&second=${head.tree_size}`, { token: auditorToken })).status).toBe(400);
});

// --- the catalogue: what A's people and the platform do for A reaches A's log ----------------------

/** Actions this spec does not take for tenant A, and why (the last spec of the suite checks that the suite takes them). */
const NOT_FOR_A: Readonly<Record<string, string>> = {
  'tenant.deleted': 'deleting A would end this spec: identity.e2e-spec deletes a tenant',
  'tenant.erased': 'written by every service that erased a deleted tenant: identity.e2e-spec, as for tenant.deleted',
};

/** A statement in a service's database as the database administrator: for the one thing no API does, making a session or a document look long expired. */
async function inDatabaseOf(service: 'auth' | 'vector-store', statement: string, values: unknown[]): Promise<void> {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${prefix}_${service.replaceAll('-', '_')}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(statement, values);
  } finally {
    await client.end();
  }
}

test("every action of the catalogue that A's people and the platform take for A reaches A's log, and none of the personal data given on the way", async () => {
  const api = (method: string, path: string, token: string | undefined, body?: unknown) =>
    edge.call(method, `/api/v1${path}`, { ...(token ? { token } : {}), ...(body !== undefined ? { body } : {}), headers: fromElsewhere() });
  const newUser = async (email: string, roles = ['user']) => ok(await api('POST', '/users', adminToken, { email, password: PASSWORD, roles }), 201).body.id as string;
  // Free text of every kind, each holding the suite's canaries: none may reach an entry.
  const purpose = { id: 'care', name: canaries.name, legal_basis: 'contract', description: `${canaries.name}, ${canaries.email}, ${canaries.phone}, ${canaries.iban}` };
  ok(await api('POST', '/purposes', adminToken, purpose), 201);
  // A purpose whose documents are kept a day (declared now: the gateway reads new purposes within its policy's time to live).
  ok(await api('POST', '/purposes', adminToken, { id: 'brief', name: 'Brief', legal_basis: 'contract', retention_days: 1 }), 201);

  // A member's own account: a second factor (a wrong password first), a new password (a wrong one first).
  const memberEmail = `member.${canaries.email}`;
  const member = await newUser(memberEmail);
  const memberToken = ok(await logIn(memberEmail, 'tenant-a'), 200).body.access_token as string;
  // Guesses of the current password are throttled: each call waits for the back-off of the one before.
  const asMember = (path: string, body: unknown) => pastBackOff(() => api('POST', path, memberToken, body));
  expect((await asMember('/me/mfa', { current_password: `not it ${canaries.phone}` })).status).toBe(400);
  const enrolment = ok(await asMember('/me/mfa', { current_password: PASSWORD }), 200).body;
  ok(await api('POST', '/me/mfa/confirm', memberToken, { totp: await freshTotp(totpSecretOf(enrolment.totp_uri), usedCodes) }), 204);
  expect((await asMember('/me/password', { current_password: `not it ${canaries.iban}`, new_password: `${PASSWORD} ${canaries.iban}` })).status).toBe(400);
  ok(await asMember('/me/password', { current_password: PASSWORD, new_password: `${PASSWORD} ${canaries.phone}` }), 204);
  // Its administrator: the second factor reset, the roles changed, an API key created, rotated, revoked.
  ok(await api('POST', `/users/${member}/mfa/reset`, adminToken, {}), 200);
  ok(await api('PUT', `/users/${member}/roles`, adminToken, { roles: ['developer'] }), 200);
  const key = ok(await api('POST', '/api-keys', adminToken, { name: canaries.name, purpose: 'care' }), 201).body.id as string;
  ok(await api('POST', `/api-keys/${key}/rotate`, adminToken, {}), 200);
  ok(await api('DELETE', `/api-keys/${key}`, adminToken), 204);
  // Shorter sessions (auth applies the setting: retention.changed), and the tenant suspended and resumed by the platform.
  ok(await api('PATCH', `/tenants/${tenantA}/settings`, adminToken, { retention_days: { 'auth.sessions': 7 } }), 200);
  ok(await api('POST', `/tenants/${tenantA}/suspend`, rootToken, {}), 200);
  ok(await api('POST', `/tenants/${tenantA}/resume`, rootToken, {}), 200);

  // Sessions: a refresh token used twice, a logout, an account locked by guesses, one long expired (purged).
  const sessionsEmail = `sessions.${canaries.email}`;
  await newUser(sessionsEmail);
  const session = ok(await logIn(sessionsEmail, 'tenant-a'), 200).body;
  ok(await api('POST', '/auth/refresh', undefined, { refresh_token: session.refresh_token }), 200);
  expect((await api('POST', '/auth/refresh', undefined, { refresh_token: session.refresh_token })).status).toBe(401);
  ok(await api('POST', '/auth/logout', ok(await logIn(sessionsEmail, 'tenant-a'), 200).body.access_token), 204);
  for (let attempt = 1; attempt <= 5; attempt++) {
    expect((await logIn(`guessed.${canaries.email}`, 'tenant-a', undefined, `guess ${attempt} ${canaries.iban}`)).status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** (attempt - 1) + 50));
  }
  const expiring = await newUser(`expiring.${canaries.email}`);
  ok(await logIn(`expiring.${canaries.email}`, 'tenant-a'), 200);
  await inDatabaseOf('auth', "UPDATE auth_sessions SET created_at = now() - interval '70 days', last_used_at = now() - interval '70 days', expires_at = now() - interval '60 days' WHERE user_id = $1", [expiring]);

  // The rights pipeline, with its own token: a member restricted, lifted, exported; another erased; one more deleted by the administrator.
  const pipelineConnection: NatsConnection = await connectAs(nats.url, 'rights-pipeline');
  try {
    const pipeline = new BusClient(pipelineConnection, 10_000);
    const token = (await pipeline.call(serviceTokenOperation('rights-pipeline'), { audience: 'auth' }, { requestId: randomUUID() })).access_token;
    const as = () => ({ requestId: randomUUID(), token });
    const ref = { tenant_id: tenantA, subject_id: member };
    expect(await pipeline.call(serviceOperations('auth').subjectRestrict, { ...ref, restricted: true }, as())).toMatchObject({ changed: true });
    expect(await pipeline.call(serviceOperations('auth').subjectRestrict, { ...ref, restricted: false }, as())).toMatchObject({ changed: true });
    await pipeline.call(serviceOperations('auth').subjectExport, ref, as());
    const erasable = await newUser(`erasable.${canaries.email}`);
    expect(await pipeline.call(serviceOperations('auth').subjectErase, { tenant_id: tenantA, subject_id: erasable }, as())).toMatchObject({ changed: true });
  } finally {
    await pipelineConnection.close();
  }
  ok(await api('DELETE', `/users/${await newUser(`leaving.${canaries.email}`)}`, adminToken), 204);

  // A user's documents and model calls: one document stored (embedded through the gateway), searched, deleted; one that
  // fails (its collection declares another dimension than the model's vectors); a chat. Each text holds the canaries.
  const readerEmail = `reader.${canaries.email}`;
  await newUser(readerEmail);
  const readerToken = ok(await logIn(readerEmail, 'tenant-a'), 200).body.access_token as string;
  const documentText = `Dossier de ${canaries.name}, joignable au ${canaries.phone} ou à ${canaries.email}, remboursé sur ${canaries.iban}.`;
  const stored = ok(await api('POST', '/documents', readerToken, { collection: COLLECTION, text: documentText, purpose: 'care' }), 202).body.id as string;
  const failing = ok(await api('POST', '/documents', readerToken, { collection: MISCONFIGURED_COLLECTION, text: documentText, purpose: 'care' }), 202).body.id as string;
  const brief = ok(await api('POST', '/documents', readerToken, { collection: COLLECTION, text: documentText, purpose: 'brief' }), 202).body.id as string;
  const statusOf = async (id: string) => (await api('GET', `/documents/${id}`, readerToken)).body.status as string;
  await waitFor(async () => (await statusOf(stored)) === 'ready' && (await statusOf(failing)) === 'failed' && (await statusOf(brief)) === 'ready', 30_000, 'two documents ready, the other failed');
  // The document of `brief`, made to look two days old: the vector store's purge removes it, as a deletion (document.deleted, expired).
  await inDatabaseOf('vector-store', "UPDATE vector_documents SET created_at = created_at - interval '2 days', expires_at = expires_at - interval '2 days' WHERE id = $1", [brief]);
  await waitFor(async () => (await api('GET', `/documents/${brief}`, readerToken)).status === 404, 30_000, 'the expired document removed');
  const found = ok(await api('POST', '/search', readerToken, { collection: COLLECTION, query: `le dossier de ${canaries.name}`, purpose: 'care' }), 200).body;
  expect(JSON.stringify(found)).toContain(stored);
  ok(await api('DELETE', `/documents/${stored}`, readerToken), 204);
  ok(await api('POST', '/llm/chat', readerToken, { model: 'assistant', purpose: 'care', messages: [{ role: 'user', content: `Bonjour, je suis ${canaries.name}` }] }), 200);

  const expected = AUDIT_ACTION_NAMES.filter((action) => !(action in NOT_FOR_A));
  await untilLogged([], expected, 30_000);
  const { text, lines } = await exportOf(auditorToken);
  expect(findLeaks(text, canaries)).toEqual([]);
  const expired = lines.flatMap(({ entry }) => (entry?.action === 'document.deleted' && entry.target?.id === brief ? [entry] : []));
  expect(expired).toEqual([expect.objectContaining({ actor: { type: 'system', id: 'retention-purge' }, metadata: { chunks: 1, vectors: 1, reason: 'expired' } })]);
}, 90_000);

// --- writing: an auditor writes nothing, anywhere ---------------------------------------------------

/** Last segments of the actions that only read: `users.list`, `tree-head.get`, `proofs.inclusion`, `models.overview`, the audit export. */
const READ_VERBS = new Set(['get', 'list', 'me', 'jwks', 'resolve', 'whoami', 'inventory', 'health', 'inclusion', 'consistency', 'export', 'overview']);

/**
 * What an operation of the bus catalogue does, told from its action and from the edge's document:
 * - `read`: its verb reads. Not a subject's export: that is the rights pipeline's work on a
 *   person's data, audited (subject.exported), and counted with the writes;
 * - `token`: a token issued to the process that asks (its own service token, bound to its NATS
 *   identity: bus-authorization.e2e-spec; or the caller's rights for another audience), nothing stored;
 * - `own`: the caller's own session and credentials (the document's `self` operations: logout, second
 *   factor, password; tenant-isolation.e2e-spec shows that none names anyone else), or a stream the
 *   caller started (`streams.cancel`, which answers the same whether there was one);
 * - `write`: everything else, which an auditor must not get done.
 */
function kindOf(operation: BusOperation, self: ReadonlySet<string>): 'read' | 'token' | 'own' | 'write' {
  const segments = operation.action.split('.');
  if (segments[0] === 'tokens') return 'token';
  if (self.has(`${operation.service}.${operation.action}`) || operation.action === 'streams.cancel') return 'own';
  if (segments[0] !== 'subject' && READ_VERBS.has(segments.at(-1)!)) return 'read';
  return 'write';
}

interface WriteTargets {
  user: string;
  apiKey: string;
  purpose: string;
  document: string;
}

/** A valid request for each write, aimed at tenant A's own resources (real ones: a refusal is then no "not found"), and B for the platform's. */
function writeRequest(name: string, targets: WriteTargets, token: string): Record<string, unknown> {
  const subject = { tenant_id: tenantA, subject_id: targets.user };
  const byName: Record<string, Record<string, unknown>> = {
    // The credential exchanges take no token: the auditor's stands where the credential goes.
    'auth.login': { email: AUDITOR_EMAIL, password: token.slice(0, 128), tenant: 'tenant-a' },
    'auth.refresh': { refresh_token: token.slice(0, 512) },
    'auth.api-keys.exchange': { key: token.slice(0, 256) },
    'auth.bootstrap': { admin: { email: `root.${canaries.email}`, password: PASSWORD } },
    'auth.users.create': { email: `new.${canaries.email}`, password: PASSWORD, roles: ['auditor'] },
    'auth.users.initial-admin.create': { tenant_id: B.tenant, email: `second.admin.${canaries.email}`, password: PASSWORD },
    'auth.users.roles.set': { id: targets.user, roles: ['tenant_admin'] },
    'auth.users.mfa.reset': { id: targets.user },
    'auth.users.delete': { id: targets.user },
    'auth.api-keys.create': { name: canaries.name, purpose: targets.purpose },
    'auth.api-keys.revoke': { id: targets.apiKey },
    'auth.api-keys.rotate': { id: targets.apiKey },
    'tenant.tenants.create': { slug: 'by-an-auditor', name: canaries.name },
    'tenant.tenants.suspend': { id: tenantA },
    'tenant.tenants.resume': { id: tenantA },
    'tenant.tenants.delete': { id: tenantA },
    'tenant.settings.update': { tenant_id: tenantA, allowed_models: ['evil:1b'] },
    'tenant.purposes.create': { id: 'by-an-auditor', name: canaries.name, legal_basis: 'contract' },
    // Model calls for A's own purpose: an auditor's role calls no model (no catalogue is needed to be told so).
    'llm-gateway.chat': { model: 'assistant', purpose: targets.purpose, messages: [{ role: 'user', content: `Bonjour ${canaries.name}` }] },
    'llm-gateway.chat.stream': { model: 'assistant', purpose: targets.purpose, messages: [{ role: 'user', content: `Bonjour ${canaries.name}` }] },
    'llm-gateway.embeddings': { model: 'assistant', purpose: targets.purpose, input: [`Dossier de ${canaries.name}`] },
    // A search is counted with the writes: it opens sealed chunks, and is audited.
    'vector-store.documents.ingest': { collection: COLLECTION, text: `Dossier de ${canaries.name}`, purpose: targets.purpose },
    'vector-store.documents.delete': { id: targets.document },
    'vector-store.search': { collection: COLLECTION, query: `Dossier de ${canaries.name}`, purpose: targets.purpose },
  };
  // Every service answers these the same way.
  const byAction: Record<string, Record<string, unknown>> = { 'subject.export': subject, 'subject.erase': subject, 'subject.restrict': { ...subject, restricted: true } };
  const request = byName[name] ?? byAction[name.slice(name.indexOf('.') + 1)];
  if (!request) throw new Error(`no request known for ${name}: add one to this test`);
  return request;
}

/** Who sends an operation on the bus: the edge, as for every request of a client, unless the operation is reserved to another process. */
function publisherOf(operation: BusOperation): BusUser {
  const { publishers } = operation;
  return publishers === 'any' || publishers.includes('edge-api') ? 'edge-api' : publishers[0]!;
}

/** Tables that a refusal itself changes: the login throttle (a wrong credential counts), the outboxes (checked apart) and the audit log of their entries. */
function changeable(table: string): boolean {
  return table === `${prefix}_auth.public.auth_login_throttle` || table.endsWith('.public.gardien_outbox') || table.startsWith(`${prefix}_audit.`);
}

const unchangeable = (digests: Record<string, string>) => Object.fromEntries(Object.entries(digests).filter(([table]) => !changeable(table)));

test('an auditor writes nothing: every other operation of the bus catalogue, every route but GET of the OpenAPI document and every mutation refuses it, and nothing changes', async () => {
  const documented = await documentedOperations(edge);
  const self = new Set(documented.filter((op) => op.isolation === 'self').map((op) => op.name));
  const kinds = new Map(BUS_OPERATIONS.map((operation) => [operation, kindOf(operation, self)]));
  const writes = BUS_OPERATIONS.filter((operation) => kinds.get(operation) === 'write');
  expect(writes.length).toBeGreaterThan(20);
  // What the writes are aimed at: A's own resources, which an administrator of A could change.
  const purpose = 'audited-purpose';
  ok(await edge.call('POST', '/api/v1/purposes', { token: adminToken, body: { id: purpose, name: 'Audited', legal_basis: 'contract' } }), 201);
  const user = ok(await edge.call('POST', '/api/v1/users', { token: adminToken, body: { email: `target.${canaries.email}`, password: PASSWORD, roles: ['user'] } }), 201).body.id as string;
  // The user's document, stored (ready) before the tables are read. The gateway reads a tenant's new purpose within
  // its policy's time to live (POLICY_TTL_MS, 5 s): until then the document fails (undeclared purpose), and is sent again.
  const userToken = await tokenOf(`target.${canaries.email}`, 'tenant-a');
  const asUser = { token: userToken, headers: fromElsewhere() };
  let document = '';
  let state: { status?: string; failure?: string } = {};
  const stored = async () => {
    if (!document || state.status === 'failed') {
      if (state.failure !== undefined && state.failure !== 'undeclared_purpose') throw new Error(`the target document failed: ${JSON.stringify(state)}`);
      const body = { collection: COLLECTION, text: 'Compte rendu de la réunion de lundi.', purpose };
      document = ok(await edge.call('POST', '/api/v1/documents', { ...asUser, body }), 202).body.id as string;
    }
    state = (await edge.call('GET', `/api/v1/documents/${document}`, asUser)).body;
    return state.status === 'ready';
  };
  await waitFor(stored, 30_000, 'the target document to be ready', 250).catch((error: Error) => {
    throw new Error(`${error.message}: ${JSON.stringify(state)}`);
  });
  const targets: WriteTargets = {
    purpose,
    user,
    document,
    apiKey: ok(await edge.call('POST', '/api/v1/api-keys', { token: adminToken, body: { name: 'audited', purpose } }), 201).body.id,
  };
  await untilLogged([targets.user, targets.apiKey, targets.document]);
  const before = await tableDigests(prefix);
  const entriesBefore = new Set((await outboxAuditRows(prefix, ADMIN_URL)).map((row) => row.id));

  // On the bus, from a process that may send each (the edge for a client's requests, the rights pipeline or the CLI for theirs):
  // what refuses is then the service, reading the auditor's token, not the bus.
  const connections = new Map<BusUser, NatsConnection>([['edge-api', await connectAs(nats.url, 'edge-api')]]);
  const outcomes: Record<string, string> = {};
  try {
    const asEdge = new BusClient(connections.get('edge-api')!);
    for (const operation of writes) {
      const user = publisherOf(operation);
      if (!connections.has(user)) connections.set(user, await connectAs(nats.url, user));
      const token = await exchanged(asEdge, auditorToken, operation.service);
      const request = writeRequest(`${operation.service}.${operation.action}`, targets, token);
      outcomes[operation.subject] = (await outcomeOf(new BusClient(connections.get(user)!), operation, request, token)).outcome;
    }
  } finally {
    await Promise.all([...connections.values()].map((connection) => connection.close()));
  }
  // Operations that take a token refuse the auditor's; those that take a credential instead find none in it; the
  // bootstrap, which takes neither (the CLI's inbox and signature guard it), runs once and refuses everyone after.
  const expected = Object.fromEntries(writes.map((operation) => [operation.subject, operation.authenticated ? 'FORBIDDEN' : 'UNAUTHENTICATED']));
  expected[AUTH_OPERATIONS.bootstrap.subject] = 'CONFLICT';
  expect(outcomes).toEqual(expected);
  // And the log has no operation that writes.
  expect((await edge.call('POST', '/api/v1/audit/entries', { token: auditorToken, body: {} })).status).toBe(404);

  // Over HTTP: every route but GET, and every mutation, but the caller's own (self).
  const { roots, types } = await graphqlSchema(edge, auditorToken);
  const mutations = documented.filter((op) => op.graphql?.startsWith('mutation.'));
  expect(mutations.length).toBe([...roots.keys()].filter((name) => name.startsWith('mutation.')).length);
  const statuses: Record<string, number | string> = {};
  const expectedStatuses: Record<string, number | string> = {};
  for (const op of documented.filter((o) => o.method !== 'GET' && o.isolation !== 'self')) {
    const request = { ...writeRequest(op.name, targets, auditorToken) };
    // The OpenAI-compatible routes take the purpose in a header, not in the body.
    if (op.path.startsWith('/v1/')) delete request.purpose;
    let path = op.path;
    if (path.includes('{id}')) {
      const field = 'id' in request ? 'id' : 'tenant_id';
      path = path.replace('{id}', String(request[field]));
      delete request[field];
    }
    const answer = await pastBackOff(() => edge.call(op.method, path, { token: auditorToken, headers: fromElsewhere(), ...(op.hasBody ? { body: request } : {}) }));
    statuses[`${op.method} ${op.path}`] = answer.status;
    expectedStatuses[`${op.method} ${op.path}`] = op.isolation === 'public' ? 401 : 403;
    if (!op.graphql?.startsWith('mutation.')) continue;
    const [kind] = op.graphql.split('.') as [string];
    const call = graphqlCall(kind, roots.get(op.graphql)!, writeRequest(op.name, targets, auditorToken), types);
    const mutation = await pastBackOff(() => edge.graphql(call, {}, auditorToken, fromElsewhere()));
    statuses[op.graphql] = mutation.body.errors?.[0]?.extensions?.code ?? 'accepted';
    expectedStatuses[op.graphql] = op.isolation === 'public' ? 'UNAUTHENTICATED' : 'FORBIDDEN';
  }
  expect(statuses).toEqual(expectedStatuses);

  // Nothing changed: every table as it was, and the only new entries are the refused logins' and the refused model calls'
  // (the gateway records every call, refused ones too), each refused for the auditor's role, at the first stage.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  expect(unchangeable(await tableDigests(prefix))).toEqual(unchangeable(before));
  const added = (await outboxAuditRows(prefix, ADMIN_URL)).filter((row) => !entriesBefore.has(row.id));
  expect(new Set(added.map((row) => row.action))).toEqual(new Set(['login.failed', 'model.chat', 'model.embeddings']));
  for (const row of added.filter((entry) => entry.action.startsWith('model.'))) {
    expect(JSON.parse(row.text)).toMatchObject({ outcome: 'denied', details: { decision: 'refused', stage: 'authorise', reason: 'action-not-allowed' } });
  }
  // The positive control: one of the same requests, from A's administrator, who may, is a change the digests see.
  ok(await edge.call('PUT', `/api/v1/users/${targets.user}/roles`, { token: adminToken, body: { roles: ['tenant_admin'] } }), 200);
  expect(unchangeable(await tableDigests(prefix))).not.toEqual(unchangeable(before));
}, 90_000);
