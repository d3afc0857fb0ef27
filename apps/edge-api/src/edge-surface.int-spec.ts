// The edge's public surface against a real NATS, with small fake auth and tenant services: every
// operation of the table over REST and GraphQL (same subject, same payload, same token), body
// validation before any bus call, a client that goes away stopping a model call answered once, the
// bearer and API-key strategies, the OpenAPI document and Swagger UI, and no way to the bootstrap
// subject.
import { randomUUID } from 'node:crypto';
import { getNamedType, isObjectType, type GraphQLOutputType, type GraphQLSchema } from 'graphql';
import { UnsecuredJWT } from 'jose';
import { audienceOf, AUTH_OPERATIONS, LLM_OPERATIONS, serviceOperations, TOKEN_ISSUER } from '@gardien/contracts';
import { PrivateNats } from '@gardien/testing';
import { GraphqlSurface } from './graphql/graphql-surface.service.js';
import type { Operation } from './operations/operation.js';
import { OPERATIONS } from './operations/operations.js';
import { FakeServices, SigningKey, exchangedFor, startEdge, type RunningEdge } from './testing/edge-harness.js';

const tenantId = randomUUID();
const userId = randomUUID();
const apiKeyId = randomUUID();
const createdAt = new Date().toISOString();
const user = { id: userId, tenant_id: tenantId, email: 'ada@example.org', roles: ['developer'], mfa_enrolled: false, created_at: createdAt };
const apiKey = {
  id: apiKeyId,
  tenant_id: tenantId,
  owner_id: userId,
  name: 'ci',
  purpose: 'support',
  models: ['mistral:7b'],
  expires_at: null,
  revoked_at: null,
  created_at: createdAt,
};
const tenant = { id: tenantId, slug: 'acme', name: 'Acme', status: 'active', created_at: createdAt };
const settings = {
  tenant_id: tenantId,
  allowed_models: ['mistral:7b'],
  quotas: { requests_per_minute: 60, requests_per_day: 10_000, tokens_per_minute: 90_000, tokens_per_day: 5_000_000_000, api_key: { requests_per_minute: 6 } },
  guards: { injection: 'block', output_leaks: 'flag' },
  retention_days: { 'llm-gateway.prompts': 30 },
  updated_at: createdAt,
};
const purpose = { id: 'support', tenant_id: tenantId, name: 'Support', legal_basis: 'contract', description: null, retention_days: 30, created_at: createdAt };
const treeHead = { log: tenantId, tree_size: 6, root_hash: 'e'.repeat(64), timestamp: createdAt, key_id: 'k1', signature: 'c2ln' };
const tokenPair = { access_token: 'new-access', refresh_token: 'new-refresh', token_type: 'Bearer', expires_in: 900 };
const chat = { model: 'assistant', messages: [{ role: 'user', content: 'Bonjour' }], purpose: 'support', max_tokens: 64 };
const flags = { injection: false, leaked: {}, invented_placeholders: 0 };
const password = 'correct horse battery staple';

interface Example {
  params?: Record<string, string>;
  /** The query string, as REST gives it; GraphQL gives the same fields as arguments, typed as the payload has them. */
  query?: Record<string, string>;
  body?: Record<string, unknown>;
  /** What the service must receive. */
  payload: Record<string, unknown>;
  reply: unknown;
}

/** One valid call per operation; a test checks that every operation of the table has one. */
const documentState = {
  id: apiKeyId,
  collection: 'documents',
  status: 'ready',
  chunks_done: 2,
  chunks_total: 2,
  purpose: 'support',
  classification: 'internal',
  subject_id: null,
  metadata: {},
  failure: null,
  created_at: '2026-12-07T10:00:00.000Z',
  updated_at: '2026-12-07T10:00:01.000Z',
};
const EXAMPLES: Record<string, Example> = {
  'auth.login': {
    body: { email: 'Ada@Example.org', password, tenant: 'acme' },
    payload: { email: 'ada@example.org', password, tenant: 'acme', source: '127.0.0.1' },
    reply: tokenPair,
  },
  'auth.refresh': { body: { refresh_token: 'old-refresh' }, payload: { refresh_token: 'old-refresh' }, reply: tokenPair },
  'auth.logout': { payload: {}, reply: {} },
  'auth.me': { payload: {}, reply: { id: userId, tenant_id: null, email: 'ada@example.org', roles: ['superadmin'], mfa_enrolled: true } },
  'auth.mfa.enrol': { body: { current_password: 'the current one' }, payload: { current_password: 'the current one' }, reply: { totp_uri: 'otpauth://totp/Gardien:x?secret=ABC' } },
  'auth.mfa.confirm': { body: { totp: '123456' }, payload: { totp: '123456' }, reply: {} },
  'auth.password.change': { body: { current_password: password, new_password: `${password} new` }, payload: { current_password: password, new_password: `${password} new` }, reply: {} },
  'auth.users.create': {
    body: { email: 'Ada@Example.org', password, roles: ['developer'] },
    payload: { email: 'ada@example.org', password, roles: ['developer'] },
    reply: user,
  },
  'auth.users.list': { payload: {}, reply: { users: [user] } },
  'auth.users.get': { params: { id: userId }, payload: { id: userId }, reply: user },
  'auth.users.roles.set': {
    params: { id: userId },
    body: { roles: ['dpo'] },
    payload: { id: userId, roles: ['dpo'] },
    reply: { ...user, roles: ['dpo'], totp_uri: 'otpauth://totp/Gardien:y?secret=DEF' },
  },
  'auth.users.mfa.reset': { params: { id: userId }, payload: { id: userId }, reply: { totp_uri: 'otpauth://totp/Gardien:z?secret=GHI' } },
  'auth.users.delete': { params: { id: userId }, payload: { id: userId }, reply: {} },
  'auth.api-keys.create': {
    body: { name: 'ci', purpose: 'support', models: ['mistral:7b'] },
    payload: { name: 'ci', purpose: 'support', models: ['mistral:7b'] },
    reply: { ...apiKey, key: 'gk_shown_once' },
  },
  'auth.api-keys.list': { payload: {}, reply: { api_keys: [apiKey] } },
  'auth.api-keys.revoke': { params: { id: apiKeyId }, payload: { id: apiKeyId }, reply: {} },
  'auth.api-keys.rotate': { params: { id: apiKeyId }, payload: { id: apiKeyId }, reply: { ...apiKey, key: 'gk_rotated_shown_once' } },
  'tenant.tenants.create': { body: { slug: 'acme', name: 'Acme' }, payload: { slug: 'acme', name: 'Acme' }, reply: tenant },
  'tenant.tenants.list': { payload: {}, reply: { tenants: [tenant] } },
  'tenant.tenants.get': { params: { id: tenantId }, payload: { id: tenantId }, reply: tenant },
  'tenant.tenants.suspend': { params: { id: tenantId }, payload: { id: tenantId }, reply: { ...tenant, status: 'suspended' } },
  'tenant.tenants.resume': { params: { id: tenantId }, payload: { id: tenantId }, reply: tenant },
  'tenant.tenants.delete': { params: { id: tenantId }, payload: { id: tenantId }, reply: {} },
  'auth.users.initial-admin.create': {
    params: { id: tenantId },
    body: { email: 'Admin@Example.org', password },
    payload: { tenant_id: tenantId, email: 'admin@example.org', password },
    reply: { ...user, roles: ['tenant_admin'], totp_uri: 'otpauth://totp/Gardien:w?secret=JKL' },
  },
  'tenant.settings.get': { params: { id: tenantId }, payload: { tenant_id: tenantId }, reply: settings },
  'tenant.settings.update': {
    params: { id: tenantId },
    body: { quotas: { requests_per_minute: 120 }, retention_days: { 'llm-gateway.prompts': 7 } },
    payload: { tenant_id: tenantId, quotas: { requests_per_minute: 120 }, retention_days: { 'llm-gateway.prompts': 7 } },
    reply: settings,
  },
  'tenant.purposes.create': {
    body: { id: 'support', name: 'Support', legal_basis: 'contract', retention_days: 30 },
    payload: { id: 'support', name: 'Support', legal_basis: 'contract', retention_days: 30 },
    reply: purpose,
  },
  'tenant.purposes.list': { payload: {}, reply: { purposes: [purpose] } },
  'tenant.purposes.get': { params: { id: 'support' }, payload: { id: 'support' }, reply: purpose },
  'audit.entries.list': {
    query: { action: 'login.succeeded', after: '4', limit: '2' },
    payload: { action: 'login.succeeded', after: 4, limit: 2 },
    reply: {
      log: tenantId,
      entries: [
        {
          index: 5,
          entry: { id: apiKeyId, ts: createdAt, tenant: tenantId, service: 'auth', actor: { type: 'user', id: userId }, action: 'login.succeeded', target: { type: 'session', id: apiKeyId }, outcome: 'success', metadata: { durationMs: 12 }, request_id: null },
          leaf_hash: 'a'.repeat(64),
        },
      ],
      next_after: null,
    },
  },
  'audit.tree-head.get': { query: { tenant_id: tenantId }, payload: { tenant_id: tenantId }, reply: treeHead },
  'audit.tree-heads.list': { query: { before_size: '10' }, payload: { before_size: 10 }, reply: { tree_heads: [treeHead] } },
  'audit.proofs.inclusion': { query: { index: '1', tree_size: '6' }, payload: { index: 1, tree_size: 6 }, reply: { index: 1, tree_size: 6, leaf_hash: 'b'.repeat(64), inclusion_proof: ['c'.repeat(64)] } },
  'audit.proofs.consistency': { query: { first: '2', second: '6' }, payload: { first: 2, second: 6 }, reply: { first: 2, second: 6, consistency_proof: ['d'.repeat(64)] } },
  'audit.public-keys.get': { payload: {}, reply: { keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'x'.repeat(43), kid: 'k1', alg: 'EdDSA', use: 'sig' }] } },
  'audit.export': { query: { from: '0', to: '0' }, payload: { from: 0, to: 0 }, reply: { lines: '{"index":0}\n' } },
  'llm-gateway.chat': {
    body: chat,
    payload: chat,
    reply: { id: apiKeyId, model: 'assistant', created: 1_764_700_000, content: 'Echo: Bonjour', finish_reason: 'stop', usage: { prompt_tokens: 1, completion_tokens: 2 }, flags },
  },
  'llm-gateway.chat.stream': { body: chat, payload: chat, reply: { type: 'delta', content: 'Echo' } },
  'llm-gateway.embeddings': { body: { model: 'assistant', input: ['Bonjour'] }, payload: { model: 'assistant', input: ['Bonjour'] }, reply: { model: 'assistant', embeddings: [[0.25, -0.5]], usage: { prompt_tokens: 1 } } },
  'llm-gateway.models.list': { payload: {}, reply: { models: [{ id: 'assistant', capabilities: ['chat', 'embeddings'], context_length: 8_192, owned_by: 'gardien', description: null }] } },
  'llm-gateway.models.overview': {
    payload: {},
    reply: { models: ['assistant'], catalogue: [{ id: 'assistant', capabilities: ['chat'], context_length: 8_192, owned_by: 'gardien', description: null, served: true, allowed: true }] },
  },
  'llm-gateway.usage.get': {
    query: { from: '2026-12-01', to: '2026-12-03' },
    payload: { from: '2026-12-01', to: '2026-12-03' },
    reply: { rows: [{ day: '2026-12-01', model: 'assistant', api_key_id: null, requests: 3, prompt_tokens: 10, completion_tokens: 20 }] },
  },
  'vector-store.documents.ingest': {
    body: { collection: 'documents', text: 'Bonjour', purpose: 'support', classification: 'internal', metadata: { case_id: 'C-1' } },
    payload: { collection: 'documents', text: 'Bonjour', purpose: 'support', classification: 'internal', metadata: { case_id: 'C-1' } },
    reply: { id: apiKeyId, status: 'processing' },
  },
  'vector-store.documents.get': { params: { id: apiKeyId }, payload: { id: apiKeyId }, reply: documentState },
  'vector-store.documents.delete': { params: { id: apiKeyId }, payload: { id: apiKeyId }, reply: {} },
  'vector-store.search': {
    body: { collection: 'documents', query: 'Bonjour', top_k: 3 },
    payload: { collection: 'documents', query: 'Bonjour', top_k: 3 },
    reply: { results: [{ document_id: apiKeyId, chunk_id: userId, chunk: 'Bonjour', score: 0.5, classification: 'internal' }] },
  },
  'vector-store.collections.list': { payload: {}, reply: { collections: [{ id: 'documents', model: 'gardien-demo', dimensions: 384, metadata_fields: [] }] } },
};

const API_KEY = `gk1.${tenantId}.${apiKeyId}.${'k'.repeat(43)}`;

let nats: PrivateNats;
let fakes: FakeServices;
let edge: RunningEdge;
let key: SigningKey;
let schema: GraphQLSchema;
let adminToken: string;
let developerToken: string;
let apiKeyToken: string;
let bootstrapCalls = 0;

beforeAll(async () => {
  nats = await PrivateNats.start();
  fakes = await FakeServices.start(nats.url);
  key = await SigningKey.create('key-1');
  adminToken = await key.sign({ sub: randomUUID(), roles: ['superadmin'] });
  developerToken = await key.sign({ sub: userId, tid: tenantId, roles: ['developer'] });
  apiKeyToken = await key.sign({ sub: apiKeyId, tid: tenantId, kind: 'api_key', roles: ['service'], purposes: ['support'] });
  fakes.on(AUTH_OPERATIONS.jwks.subject, () => ({ response: { keys: [key.jwk] } }));
  fakes.on(AUTH_OPERATIONS.exchangeApiKey.subject, (payload) =>
    (payload as { key: string }).key === API_KEY
      ? { response: { access_token: apiKeyToken, expires_in: 300 } }
      : { err: { code: 'UNAUTHENTICATED', message: 'unknown key' } },
  );
  fakes.on(AUTH_OPERATIONS.bootstrap.subject, () => {
    bootstrapCalls += 1;
    return { err: { code: 'FORBIDDEN', message: 'never over HTTP' } };
  });
  for (const operation of OPERATIONS) {
    if (operation.bus.streaming) fakes.onStream(operation.bus.subject, () => [{ response: EXAMPLES[operation.name]!.reply }]);
    else fakes.on(operation.bus.subject, () => ({ response: EXAMPLES[operation.name]!.reply }));
  }
  edge = await startEdge(nats.url);
  schema = edge.app.get(GraphqlSurface).schema;
});

afterAll(async () => {
  await edge?.close();
  await fakes?.close();
  await nats?.dispose();
});

beforeEach(() => fakes.forget());

const json = { 'content-type': 'application/json' };
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

function restPath(operation: Operation, params: Record<string, string> = {}, query?: Record<string, string>): string {
  const path = operation.fullPath.replace(/\{([a-z_]+)\}/g, (_, name: string) => encodeURIComponent(params[name]!));
  return query ? `${path}?${new URLSearchParams(query)}` : path;
}

async function rest(method: string, path: string, init: { headers?: Record<string, string>; body?: unknown } = {}) {
  const response = await fetch(`${edge.url}${path}`, {
    method,
    headers: { ...(init.body !== undefined ? json : {}), ...init.headers },
    ...(init.body !== undefined ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) } : {}),
  });
  const text = await response.text();
  const isJson = /json/.test(response.headers.get('content-type') ?? '');
  return { status: response.status, headers: response.headers, text, body: text && isJson ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

interface GraphqlResult {
  status: number;
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, unknown> }>;
}

async function graphql(query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<GraphqlResult> {
  const response = await fetch(`${edge.url}/graphql`, { method: 'POST', headers: { ...json, ...headers }, body: JSON.stringify({ query, variables }) });
  return { status: response.status, ...((await response.json()) as Omit<GraphqlResult, 'status'>) };
}

/** Every scalar of a type, recursively: the whole reply. */
function selectionOf(type: GraphQLOutputType): string {
  const named = getNamedType(type);
  if (!isObjectType(named)) return '';
  return ` { ${Object.values(named.getFields())
    .map((field) => `${field.name}${selectionOf(field.type)}`)
    .join(' ')} }`;
}

/** The GraphQL document of an operation, every argument a variable. */
function documentOf(operation: Operation): string {
  const root = operation.graphql!.type === 'query' ? schema.getQueryType()! : schema.getMutationType()!;
  const field = root.getFields()[operation.graphql!.field]!;
  const variables = field.args.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
  const args = field.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  return `${operation.graphql!.type}${variables ? `(${variables})` : ''} { ${field.name}${args ? `(${args})` : ''}${selectionOf(field.type)} }`;
}

function variablesOf(operation: Operation, example: Example): Record<string, unknown> {
  const fromPath = Object.fromEntries(operation.pathParams.map(({ name, field }) => [field, example.params![name]]));
  const fromQuery = Object.fromEntries(Object.keys(example.query ?? {}).map((field) => [field, example.payload[field]]));
  return { ...example.body, ...fromPath, ...fromQuery };
}

/** GraphQL answers null for an optional field the reply leaves out (a user's totp_uri): those nulls aside, the same object. */
/** The answer without the nulls GraphQL writes for optional fields the reply did not have, at any depth. */
function withoutUnsentNulls(answer: unknown, reply: unknown): unknown {
  if (typeof answer !== 'object' || answer === null || typeof reply !== 'object' || reply === null) return answer;
  if (Array.isArray(answer)) return answer.map((item, i) => withoutUnsentNulls(item, (reply as unknown[])[i]));
  return Object.fromEntries(
    Object.entries(answer)
      .filter(([field, value]) => value !== null || field in reply)
      .map(([field, value]) => [field, withoutUnsentNulls(value, (reply as Record<string, unknown>)[field])]),
  );
}

const credentialsFor = (operation: Operation) => (operation.auth === 'authenticated' ? bearer(adminToken) : {});

test('every operation of the table has an example here', () => {
  expect(Object.keys(EXAMPLES).sort()).toEqual(OPERATIONS.map((operation) => operation.name).sort());
});

describe.each(OPERATIONS.map((operation) => [operation.name, operation] as const))('%s', (_name, operation) => {
  test('REST and GraphQL reach the same subject with the same payload and the verified token', async () => {
    const example = EXAMPLES[operation.name]!;
    const response = await rest(operation.method, restPath(operation, example.params, example.query), {
      headers: credentialsFor(operation),
      ...(example.body ? { body: example.body } : {}),
    });
    expect(response.status).toBe(operation.status);
    expect(response.headers.get('cache-control')).toBe('no-store');
    if (operation.status === 204) expect(response.text).toBe('');
    else if (operation.replyKind === 'lines') expect(response.text).toBe((example.reply as { lines: string }).lines);
    else if (operation.replyKind === 'stream') expect(response.text).toBe(`data: ${JSON.stringify(example.reply)}\n\nevent: end\ndata: {}\n\n`);
    else expect(response.body).toEqual(example.reply);
    const restCalls = fakes.callsTo(operation.bus.subject);
    if (operation.graphql === null) {
      // A streamed reply has no GraphQL field: REST alone.
      expect(restCalls.map((call) => call.payload)).toEqual([example.payload]);
      return;
    }

    fakes.forget();
    const result = await graphql(documentOf(operation), variablesOf(operation, example), credentialsFor(operation));
    expect(result.errors).toBeUndefined();
    expect(withoutUnsentNulls(result.data![operation.graphql!.field], example.reply)).toEqual(operation.status === 204 ? true : example.reply);
    const graphqlCalls = fakes.callsTo(operation.bus.subject);

    expect(restCalls).toHaveLength(1);
    expect(graphqlCalls).toHaveLength(1);
    expect(restCalls[0]!.payload).toEqual(example.payload);
    expect(graphqlCalls[0]!.payload).toEqual(example.payload);
    // The edge verified the client's token (audience edge-api) and sends the service one for it alone.
    expect(restCalls[0]!.token).toBe(operation.auth === 'authenticated' ? exchangedFor(adminToken, operation.bus.service) : undefined);
    expect(graphqlCalls[0]!.token).toBe(restCalls[0]!.token);
  });
});

/** The operations answered once whose work a client that goes away stops: the model calls. */
const CANCELLABLE = OPERATIONS.filter((operation) => operation.bus.cancellable && !operation.bus.streaming);

const until = async (condition: () => boolean) => {
  for (let i = 0; i < 250 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
};

describe('a client that goes away stops a cancellable call answered once, on REST and GraphQL', () => {
  test('the cancellable operations answered once are the model calls', () => {
    expect(CANCELLABLE.map((operation) => operation.name).sort()).toEqual(['llm-gateway.chat', 'llm-gateway.embeddings']);
  });

  const cases = CANCELLABLE.flatMap((operation) => [[operation.name, 'REST', operation] as const, [operation.name, 'GraphQL', operation] as const]);
  test.each(cases)('%s over %s: the service is told to stop it, by the id the call carried, under its token', async (_name, surface, operation) => {
    const example = EXAMPLES[operation.name]!;
    const cancel = serviceOperations(operation.bus.service).cancelStream.subject;
    // The service works on and on: only the client's leaving ends the call.
    fakes.on(operation.bus.subject, () => undefined);
    try {
      const controller = new AbortController();
      const init = { method: 'POST', headers: { ...json, ...bearer(adminToken) }, signal: controller.signal };
      const sent =
        surface === 'REST'
          ? fetch(`${edge.url}${restPath(operation)}`, { ...init, body: JSON.stringify(example.body) })
          : fetch(`${edge.url}/graphql`, { ...init, body: JSON.stringify({ query: documentOf(operation), variables: variablesOf(operation, example) }) });
      await until(() => fakes.callsTo(operation.bus.subject).length === 1);
      controller.abort();
      await sent.catch(() => undefined);
      await until(() => fakes.callsTo(cancel).length > 0);
      const [call] = fakes.callsTo(operation.bus.subject);
      expect(call!.streamId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(fakes.callsTo(cancel)).toEqual([{ subject: cancel, payload: { stream_id: call!.streamId }, token: call!.token }]);
    } finally {
      fakes.on(operation.bus.subject, () => ({ response: example.reply }));
    }
  });

  test('an answered model call is not cancelled; a call of another operation carries no id to cancel it by', async () => {
    const chat = OPERATIONS.find((operation) => operation.name === 'llm-gateway.chat')!;
    expect((await rest('POST', chat.fullPath, { headers: bearer(adminToken), body: EXAMPLES['llm-gateway.chat']!.body })).status).toBe(200);
    expect((await rest('GET', '/api/v1/me', { headers: bearer(adminToken) })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fakes.callsTo(serviceOperations('llm-gateway').cancelStream.subject)).toEqual([]);
    expect(fakes.callsTo(chat.bus.subject)[0]!.streamId).toBeDefined();
    expect(fakes.callsTo(AUTH_OPERATIONS.me.subject)[0]!.streamId).toBeUndefined();
  });
});

describe('validation happens before any bus call', () => {
  test('an unknown field in a body is refused with its path and reason only', async () => {
    const response = await rest('POST', '/api/v1/auth/login', { body: { email: 'ada@example.org', password, is_admin: true } });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ type: '/problems/validation-failed', code: 'VALIDATION_FAILED', errors: [{ path: 'body', reason: 'unrecognized_keys' }] });
    expect(response.text).not.toContain('is_admin');
    expect(fakes.calls).toEqual([]);
  });

  test('the client cannot set the source address the edge adds to a login', async () => {
    const response = await rest('POST', '/api/v1/auth/login', { body: { email: 'ada@example.org', password, source: '10.9.8.7' } });
    expect(response.status).toBe(400);
    expect(fakes.calls).toEqual([]);
  });

  test('an authenticated call with a bad body or a bad path id makes no operation call', async () => {
    const unknownField = await rest('POST', '/api/v1/users', { headers: bearer(adminToken), body: { ...EXAMPLES['auth.users.create']!.body, tenant_id: tenantId } });
    expect(unknownField.status).toBe(400);
    const badId = await rest('GET', '/api/v1/users/not-a-uuid', { headers: bearer(adminToken) });
    expect(badId.status).toBe(400);
    expect(badId.body!.errors).toEqual([{ path: 'path.id', reason: 'invalid_format' }]);
    const bodyOnDelete = await rest('DELETE', `/api/v1/users/${userId}`, { headers: bearer(adminToken), body: { force: true } });
    expect(bodyOnDelete.status).toBe(400);
    expect(fakes.operationCalls()).toEqual([]);
  });

  test('no route creates a super-admin: the role is refused on REST and GraphQL', async () => {
    const response = await rest('POST', '/api/v1/users', { headers: bearer(adminToken), body: { email: 'root@example.org', password, roles: ['superadmin'] } });
    expect(response.status).toBe(400);
    expect(response.body!.errors).toEqual([{ path: 'body.roles.0', reason: 'invalid_value' }]);
    const result = await graphql(
      'mutation { createUser(email: "root@example.org", password: "correct horse battery staple", roles: [superadmin]) { id } }',
      {},
      bearer(adminToken),
    );
    expect(result.errors?.[0]?.extensions).toEqual({ code: 'VALIDATION_FAILED' });
    expect(fakes.operationCalls()).toEqual([]);
  });

  test('GraphQL arguments go through the same schema, with the same details', async () => {
    const result = await graphql(documentOf(OPERATIONS.find((o) => o.name === 'auth.users.create')!), { email: 'ada@example.org', password: 'short', roles: ['user'] }, bearer(adminToken));
    expect(result.errors).toEqual([
      {
        message: 'The request is not valid',
        path: ['createUser'],
        locations: expect.any(Array),
        extensions: { code: 'VALIDATION_FAILED', errors: [{ path: 'args.password', reason: 'too_small' }] },
      },
    ]);
    expect(fakes.operationCalls()).toEqual([]);
  });
});

describe('bearer strategy', () => {
  test('a missing, forged, expired, unsigned or misplaced token is refused before any operation call', async () => {
    const other = await SigningKey.create('key-1');
    // No credentials at all is `credentials_required`; a token that does not verify, whatever is wrong with it, `invalid_access_token`.
    const refused: Array<[Record<string, string>, string]> = [
      [{}, 'credentials_required'],
      [bearer(await other.sign({ sub: userId, roles: ['superadmin'] })), 'invalid_access_token'],
      [bearer(await other.sign({ sub: userId, roles: ['superadmin'] }, { kid: 'unknown-key' })), 'invalid_access_token'],
      [bearer(await key.sign({ sub: userId, roles: ['superadmin'] }, { expiresIn: Math.floor(Date.now() / 1000) - 60 })), 'invalid_access_token'],
      [
        bearer(new UnsecuredJWT({ tid: null, kind: 'user', roles: ['superadmin'], mfa: true }).setIssuer(TOKEN_ISSUER).setAudience(audienceOf('edge-api')).setSubject(userId).setIssuedAt().setExpirationTime('10m').encode()),
        'invalid_access_token',
      ],
      [{ authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` }, 'credentials_required'],
    ];
    for (const [headers, reason] of refused) {
      const response = await rest('GET', '/api/v1/me', { headers });
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ type: `/problems/${reason.replaceAll('_', '-')}`, code: 'UNAUTHENTICATED', reason });
    }
    // RFC 6750 also allows the query string and the body; tokens there end up in logs, so the edge refuses them.
    expect((await rest('GET', `/api/v1/me?access_token=${adminToken}`)).status).toBe(401);
    expect((await rest('POST', '/api/v1/auth/logout', { body: { access_token: adminToken } })).status).toBe(401);
    expect(fakes.operationCalls()).toEqual([]);
  });

  test('GraphQL refuses authenticated fields without a valid token, field by field', async () => {
    const anonymous = await graphql('{ me { id } }');
    expect(anonymous.data).toBeNull();
    expect(anonymous.errors).toEqual([{ message: 'Authentication is required', path: ['me'], locations: expect.any(Array), extensions: { code: 'UNAUTHENTICATED', reason: 'credentials_required' } }]);
    const forged = await graphql('{ me { id } }', {}, bearer(await (await SigningKey.create('key-1')).sign({ sub: userId, roles: ['superadmin'] })));
    expect(forged.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'invalid_access_token' });
    expect(fakes.operationCalls()).toEqual([]);
  });

  test('the super-admin operations are refused to anyone else before any bus call', async () => {
    const response = await rest('POST', '/api/v1/tenants', { headers: bearer(developerToken), body: { slug: 'other', name: 'Other' } });
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ code: 'FORBIDDEN', reason: 'superadmin_only' });
    const result = await graphql('mutation { deleteTenant(id: "' + tenantId + '") }', {}, bearer(developerToken));
    expect(result.errors?.[0]?.extensions).toEqual({ code: 'FORBIDDEN', reason: 'superadmin_only' });
    expect(fakes.operationCalls()).toEqual([]);
  });
});

describe('API key strategy', () => {
  test('the key is exchanged once, then the cached access token is what services receive, on REST and GraphQL, from X-API-Key or as the bearer', async () => {
    const first = await rest('GET', '/api/v1/models', { headers: { 'x-api-key': API_KEY } });
    const second = await rest('GET', '/api/v1/models', { headers: bearer(API_KEY) });
    const third = await graphql('{ models { models } }', {}, { 'x-api-key': API_KEY });
    expect([first.status, second.status, third.errors]).toEqual([200, 200, undefined]);
    const exchanges = fakes.callsTo(AUTH_OPERATIONS.exchangeApiKey.subject);
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]).toMatchObject({ payload: { key: API_KEY }, token: undefined });
    const forwarded = fakes.callsTo(LLM_OPERATIONS.modelsOverview.subject).map((call) => call.token);
    const forGateway = exchangedFor(apiKeyToken, 'llm-gateway');
    expect(forwarded).toEqual([forGateway, forGateway, forGateway]);
  });

  test('an operation for user sessions refuses a valid API key before any bus call, as its OpenAPI security says', async () => {
    const response = await rest('GET', '/api/v1/me', { headers: { 'x-api-key': API_KEY } });
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'api_key_not_accepted' });
    const asBearer = await graphql('{ me { id } }', {}, bearer(API_KEY));
    expect(asBearer.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'api_key_not_accepted' });
    expect(fakes.callsTo(AUTH_OPERATIONS.me.subject)).toEqual([]);
  });

  test('an unknown key is refused and reaches no operation', async () => {
    const response = await rest('GET', '/api/v1/models', { headers: { 'x-api-key': 'gk_live_not_a_key' } });
    expect(response.status).toBe(401);
    expect(fakes.callsTo(LLM_OPERATIONS.modelsOverview.subject)).toEqual([]);
  });

  test('a key anywhere but the X-API-Key header or the bearer token (query string, body, bare Authorization) is not read', async () => {
    expect((await rest('GET', `/api/v1/models?api_key=${API_KEY}&x-api-key=${API_KEY}`)).status).toBe(401);
    expect((await rest('POST', '/api/v1/auth/logout', { body: { api_key: API_KEY, 'x-api-key': API_KEY } })).status).toBe(401);
    expect((await rest('GET', '/api/v1/models', { headers: { authorization: API_KEY } })).status).toBe(401);
    expect(fakes.callsTo(AUTH_OPERATIONS.exchangeApiKey.subject)).toEqual([]);
    expect(fakes.operationCalls()).toEqual([]);
  });
});

describe('answers of the services', () => {
  test('MFA_REQUIRED leaves as a 401 of type /problems/mfa-required, and as its code on GraphQL', async () => {
    fakes.on(AUTH_OPERATIONS.login.subject, () => ({ err: { code: 'MFA_REQUIRED', message: 'a one-time code is required' } }));
    try {
      const response = await rest('POST', '/api/v1/auth/login', { body: { email: 'ada@example.org', password } });
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ type: '/problems/mfa-required', code: 'MFA_REQUIRED', title: 'A one-time code (TOTP) is required' });
      const result = await graphql('mutation { login(email: "ada@example.org", password: "x") { access_token } }');
      expect(result.errors?.[0]?.extensions).toEqual({ code: 'MFA_REQUIRED' });
    } finally {
      fakes.on(AUTH_OPERATIONS.login.subject, () => ({ response: tokenPair }));
    }
  });

  test('a reply outside its contract is an INTERNAL error, not passed on', async () => {
    fakes.on(AUTH_OPERATIONS.me.subject, () => ({ response: { ...(EXAMPLES['auth.me']!.reply as object), password_hash: 'x' } }));
    try {
      const response = await rest('GET', '/api/v1/me', { headers: bearer(adminToken) });
      expect(response.status).toBe(500);
      expect(response.text).not.toContain('password_hash');
    } finally {
      fakes.on(AUTH_OPERATIONS.me.subject, () => ({ response: EXAMPLES['auth.me']!.reply }));
    }
  });

  test('X-Forwarded-For is not believed unless the proxy is trusted', async () => {
    await rest('POST', '/api/v1/auth/login', { headers: { 'x-forwarded-for': '203.0.113.7' }, body: { email: 'ada@example.org', password } });
    expect(fakes.callsTo(AUTH_OPERATIONS.login.subject)[0]!.payload).toMatchObject({ source: '127.0.0.1' });
  });
});

/** Routes Fastify serves, as `METHOD /path` with `{param}` (HEAD, added for each GET, left out). */
function servedRoutes(): string[] {
  const tree = edge.app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false });
  const stack: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:[│ ] {3})*)(?:├── |└── )(\S+?)(?: \(([^)]+)\))?$/.exec(line);
    if (!match) continue;
    stack.length = match[1]!.length / 4;
    stack.push(match[2]!);
    for (const method of match[3]?.split(', ') ?? []) {
      if (method !== 'HEAD') routes.push(`${method} ${stack.join('').replace(/:([a-z_]+)/g, '{$1}')}`);
    }
  }
  return routes.sort();
}

describe('OpenAPI document', () => {
  let document: {
    openapi: string;
    paths: Record<string, Record<string, Record<string, unknown>>>;
    components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
  };

  beforeAll(async () => {
    document = (await rest('GET', '/api/docs-json')).body as typeof document;
  });

  test('lists every operation of the table with its name, isolation class, schemas and security', () => {
    expect(document.openapi).toBe('3.1.0');
    for (const operation of OPERATIONS) {
      const described = document.paths[operation.fullPath]?.[operation.method.toLowerCase()];
      expect([operation.name, described?.['x-gardien-operation'], described?.['x-gardien-isolation']]).toEqual([
        operation.name,
        operation.name,
        operation.isolation,
      ]);
      expect(described!.operationId).toBe(operation.operationId);
      expect(Object.keys(described!.responses as object)).toContain(String(operation.status));
      const security = operation.credentials.flatMap((credential): Array<Record<string, never[]>> => (credential === 'session' ? [{ bearer: [] }] : [{ 'api-key': [] }, { 'api-key-bearer': [] }]));
      expect(described!.security).toEqual(operation.auth === 'authenticated' ? security : undefined);
      if (operation.hasBody) expect(described!.requestBody).toMatchObject({ required: true });
    }
    expect(document.components.securitySchemes).toEqual({
      bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      'api-key': expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-Key' }),
      'api-key-bearer': expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    });
  });

  test('every route under /api/v1 is in the document, every operation has an isolation class, every $ref resolves', () => {
    const documented = Object.entries(document.paths)
      .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    const served = servedRoutes();
    expect(served.filter((route) => route.includes(' /api/v1/'))).toEqual(documented.filter((route) => route.includes(' /api/v1/')));
    expect(served).toEqual(expect.arrayContaining(documented));
    const classes = Object.values(document.paths).flatMap((item) => Object.values(item).map((operation) => operation['x-gardien-isolation']));
    expect(classes.every((isolation) => ['public', 'self', 'tenant', 'tenant-resource', 'platform'].includes(String(isolation)))).toBe(true);
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((match) => match[1]!);
    expect(refs.length).toBeGreaterThan(OPERATIONS.length);
    expect(refs.filter((name) => !(name in document.components.schemas))).toEqual([]);
  });

  test('no route, documented or not, and no GraphQL field leads to the bootstrap', async () => {
    expect(servedRoutes().filter((route) => /bootstrap/i.test(route))).toEqual([]);
    expect(JSON.stringify(document)).not.toMatch(/bootstrap/i);
    expect((await rest('POST', '/api/v1/bootstrap', { body: {} })).status).toBe(404);
    expect((await rest('POST', '/api/v1/auth/bootstrap', { body: {} })).status).toBe(404);
    const result = await graphql('mutation { bootstrap }');
    expect(result.errors?.[0]?.extensions).toEqual({ code: 'VALIDATION_FAILED' });
    expect(fakes.callsTo(AUTH_OPERATIONS.bootstrap.subject)).toEqual([]);
  });
});

describe('Swagger UI', () => {
  test('/api/docs is an HTML page whose every resource is served here, and no other file of the package is', async () => {
    const page = await fetch(`${edge.url}/api/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    const html = await page.text();
    const resources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(resources.length).toBeGreaterThanOrEqual(4);
    expect(resources.filter((url) => /^[a-z]+:|^\/\//i.test(url))).toEqual([]);
    for (const resource of resources) {
      const asset = await fetch(new URL(resource, `${edge.url}/api/docs`));
      expect([resource, asset.status]).toEqual([resource, 200]);
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
    const init = await (await fetch(`${edge.url}/api/docs/swagger-ui-init.js`)).text();
    expect(init).toContain('validatorUrl: null');
    expect(init).not.toMatch(/https?:/);
    for (const other of ['index.html', 'swagger-initializer.js', 'package.json', '..%2Fpackage.json']) {
      expect([other, (await fetch(`${edge.url}/api/docs/${other}`)).status]).toEqual([other, 404]);
    }
  });
});

test('GraphQL introspection (authenticated, in development) lists the same operations as the table', async () => {
  const result = await graphql('{ __schema { queryType { fields { name } } mutationType { fields { name } } } }', {}, bearer(developerToken));
  const schemaOf = result.data!.__schema as Record<string, { fields: Array<{ name: string }> }>;
  const fields = [...schemaOf.queryType!.fields, ...schemaOf.mutationType!.fields].map((field) => field.name).sort();
  expect(fields).toEqual(OPERATIONS.flatMap((operation) => (operation.graphql ? [operation.graphql.field] : [])).sort());
});

test('nothing reached the bootstrap subject, and the edge logged no credential or personal data', () => {
  expect(bootstrapCalls).toBe(0);
  const log = edge.logLines.join('');
  expect(edge.logLines.length).toBeGreaterThan(OPERATIONS.length);
  for (const secret of [adminToken, developerToken, apiKeyToken, API_KEY, password, 'ada@example.org', 'Ada@Example.org']) {
    expect(log).not.toContain(secret);
  }
});
