// Tenant isolation, enumerated from the API's own descriptions: for every operation of the OpenAPI
// document (/api/docs-json) and every field of the GraphQL schema (introspection), a caller of
// tenant A aims at tenant B's resources and is refused, or sees only its own tenant. The lists come
// from the documents, so a route added later without a probe makes this test fail. Afterwards, B's
// resources are checked unchanged. Also: no route or GraphQL field creates a super-admin.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  AUTH_OPERATIONS,
  BusClient,
  TENANT_OPERATIONS,
  tokenExchangeOperation,
  type BusOperation,
  type BusService,
} from '@gardien/contracts';
import {
  ADMIN_URL,
    ModelRuntimeServer,
  servedAssistantEnv,
  connectAs,
  dropTestDatabases,
  PlatformProcesses,
  PrivateNats,
  testDatabasePrefix,
  waitFor,
} from '@gardien/testing';
import {
  EdgeClient,
  INTROSPECTION,
  documentedOperations,
  freshTotp,
  graphqlCall,
  someClientAddress,
  selectionOf,
  totpSecretOf,
  type DocumentedOperation,
  type HttpAnswer,
  type IntrospectedField,
  type IntrospectedType, bootstrapTenantA } from './identity-support.js';

const prefix = testDatabasePrefix();
const PASSWORD = 'a passphrase long enough to pass';
const usedCodes = new Set<string>();

const dir = mkdtempSync(join(tmpdir(), 'gardien-isolation-e2e-'));
let nats: PrivateNats;
let runtime: ModelRuntimeServer;
let platform: PlatformProcesses;
let edge: EdgeClient;
const A = { tenant: '', admin: '', token: '', refresh: '' };
const B = { tenant: '', admin: '', token: '', user: '', apiKey: '', purpose: 'b-only', document: '' };
let rootToken = '';
let operations: DocumentedOperation[] = [];

const api = (method: string, path: string, options: Parameters<EdgeClient['call']>[2] = {}) => edge.call(method, `/api/v1${path}`, options);

function ok(answer: HttpAnswer, status: number): HttpAnswer {
  if (answer.status !== status) throw new Error(`expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer;
}

async function loginWithTotp(email: string, tenant: string | undefined, secret: string): Promise<HttpAnswer> {
  return ok(await api('POST', '/auth/login', { body: { email, password: PASSWORD, ...(tenant ? { tenant } : {}), totp: await freshTotp(secret, usedCodes) } }), 200);
}

const fromElsewhere = () => ({ 'x-forwarded-for': someClientAddress() });

/** What every id of tenant B looks like in an answer: none may appear in anything A receives. */
function markersOfB(): string[] {
  return [B.tenant, B.admin, B.user, B.apiKey, B.purpose, B.document];
}

/** B's resource that a path template's `{id}` names, by the collection it sits in. */
function foreignPath(path: string): string {
  const collection = path.split('/')[3]!;
  // The audit log of B is named by B's tenant id (a query parameter on REST, an argument on GraphQL).
  // B's document: ingested by a member of B in beforeAll.
  const ids: Record<string, string> = { users: B.user, 'api-keys': B.apiKey, purposes: B.purpose, tenants: B.tenant, audit: B.tenant, documents: B.document };
  const id = ids[collection];
  if (!id) throw new Error(`no tenant-B resource known for ${path}: add one to this test`);
  return path.replace('{id}', id);
}

/** Valid inputs per operation, so that a refusal cannot be a validation error in disguise. */
function validInput(name: string): Record<string, unknown> {
  const inputs: Record<string, Record<string, unknown>> = {
    'auth.users.create': { email: `${randomUUID()}@a.example`, password: PASSWORD, roles: ['user'] },
    'auth.users.roles.set': { roles: ['tenant_admin'] },
    'auth.api-keys.create': { name: 'probe', purpose: 'shared' },
    'tenant.purposes.create': { id: `p-${randomUUID().slice(0, 8)}`, name: 'Probe', legal_basis: 'contract' },
    'tenant.settings.update': { allowed_models: ['evil:1b'] },
    'tenant.tenants.create': { slug: `t-${randomUUID().slice(0, 8)}`, name: 'Probe' },
    'auth.users.initial-admin.create': { email: `${randomUUID()}@b.example`, password: PASSWORD },
    'auth.mfa.confirm': { totp: '123456' },
    'audit.proofs.inclusion': { index: 0, tree_size: 1 },
    'audit.proofs.consistency': { first: 0, second: 1 },
    'llm-gateway.chat': { model: 'assistant', messages: [{ role: 'user', content: 'Bonjour' }] },
    'llm-gateway.chat.stream': { model: 'assistant', messages: [{ role: 'user', content: 'Bonjour' }] },
    'llm-gateway.embeddings': { model: 'assistant', input: ['Bonjour'] },
    'vector-store.documents.ingest': { collection: 'documents', text: 'Bonjour', purpose: 'shared' },
    'vector-store.search': { collection: 'documents', query: 'Bonjour' },
    'llm-gateway.usage.get': { from: new Date().toISOString().slice(0, 10), to: new Date().toISOString().slice(0, 10) },
  };
  return inputs[name] ?? {};
}

/**
 * A model call (Gardien's routes and the OpenAI-compatible ones, and the vector store's ingestion and
 * search, which embed through the gateway): it names the tenant's data by its purpose only.
 */
const isModelCall = (op: DocumentedOperation) =>
  op.method === 'POST' && ['llm-gateway.chat', 'llm-gateway.chat.stream', 'llm-gateway.embeddings', 'vector-store.documents.ingest', 'vector-store.search'].includes(op.name);

/**
 * A model call of A's administrator: a tenant field is refused; a call for B's purpose (in the body,
 * or in X-Gardien-Purpose under /v1) is refused and shows nothing of B.
 */
async function probeModelCall(op: DocumentedOperation): Promise<boolean> {
  const openAi = op.path.startsWith('/v1/');
  const smuggled = await edge.call(op.method, op.path, { token: A.token, body: { ...validInput(op.name), tenant_id: B.tenant } });
  const forB = await edge.call(op.method, op.path, {
    token: A.token,
    body: { ...validInput(op.name), ...(openAi ? {} : { purpose: B.purpose }) },
    ...(openAi ? { headers: { 'x-gardien-purpose': B.purpose } } : {}),
  });
  return smuggled.status === 400 && [403, 404].includes(forB.status) && !markersOfB().some((marker) => JSON.stringify(forB.body ?? '').includes(marker));
}

beforeAll(async () => {
  nats = await PrivateNats.start();
  // A model runtime (a test server speaking Ollama's API) whose model embeds B's document: the vector store accepts a
  // document only for a model the gateway serves the caller.
  runtime = new ModelRuntimeServer({ dimensions: 16 });
  await runtime.start();
  platform = await PlatformProcesses.start({
    databasePrefix: prefix,
    natsUrl: nats.url,
    // Behind the proxy, as in production: each login probe comes from its own address, so that the
    // per-source back-off of one failed probe cannot answer for the next.
    env: { GARDIEN_TRUSTED_PROXIES: '127.0.0.1' },
    serviceEnv: {
      'llm-gateway': servedAssistantEnv(dir, runtime),
      'vector-store': { GARDIEN_EMBEDDING_MODEL: 'assistant', GARDIEN_EMBEDDING_DIMENSIONS: '16' },
    },
  });
  edge = new EdgeClient(platform.edgeUrl);
  const result = await bootstrapTenantA(nats.url, PASSWORD);
  A.tenant = result.tenant!.id;
  A.admin = result.tenant!.admin.id;
  rootToken = (await loginWithTotp('root@platform.example', undefined, totpSecretOf(result.superadmin.totp_uri))).body.access_token;
  const adminA = await loginWithTotp('admin@a.example', 'tenant-a', totpSecretOf(result.tenant!.admin.totp_uri));
  A.token = adminA.body.access_token;
  A.refresh = adminA.body.refresh_token;

  B.tenant = ok(await api('POST', '/tenants', { token: rootToken, body: { slug: 'tenant-b', name: 'B' } }), 201).body.id;
  const adminB = ok(await api('POST', `/tenants/${B.tenant}/admin`, { token: rootToken, body: { email: 'admin@b.example', password: PASSWORD } }), 201).body;
  B.admin = adminB.id;
  B.token = (await loginWithTotp('admin@b.example', 'tenant-b', totpSecretOf(adminB.totp_uri))).body.access_token;
  B.user = ok(await api('POST', '/users', { token: B.token, body: { email: 'member@b.example', password: PASSWORD, roles: ['user'] } }), 201).body.id;
  for (const [token, id] of [[B.token, B.purpose], [B.token, 'shared'], [A.token, 'shared']] as const) {
    ok(await api('POST', '/purposes', { token, body: { id, name: 'Purpose', legal_basis: 'contract' } }), 201);
  }
  B.apiKey = ok(await api('POST', '/api-keys', { token: B.token, body: { name: 'b-key', purpose: B.purpose } }), 201).body.id;
  // A real document of B, so that the documents probe names one.
  ok(await api('PATCH', `/tenants/${B.tenant}/settings`, { token: B.token, body: { allowed_models: ['assistant'] } }), 200);
  const memberB = ok(await api('POST', '/auth/login', { body: { email: 'member@b.example', password: PASSWORD, tenant: 'tenant-b' } }), 200).body.access_token;
  B.document = ok(await api('POST', '/documents', { token: memberB, body: { collection: 'documents', text: 'Compte rendu de B.', purpose: B.purpose } }), 202).body.id;
  // Ready before B's state is first read. The gateway reads B's new purpose within its policy's time to live (5 s):
  // until then the document fails (undeclared purpose), and is sent again.
  const readyDocument = async () => {
    const state = ok(await api('GET', `/documents/${B.document}`, { token: memberB }), 200).body as { status: string };
    if (state.status === 'failed') B.document = ok(await api('POST', '/documents', { token: memberB, body: { collection: 'documents', text: 'Compte rendu de B.', purpose: B.purpose } }), 202).body.id;
    return state.status === 'ready';
  };
  await waitFor(readyDocument, 30_000, "B's document to be ready", 250);

  operations = await documentedOperations(edge);
}, 90_000);

afterAll(async () => {
  await platform?.dispose();
  await runtime?.stop();
  await nats?.dispose();
  await dropTestDatabases(prefix);
  rmSync(dir, { recursive: true, force: true });
});

/** B's state, read by B's admin: it must be the same after every probe of A. */
async function stateOfB(): Promise<unknown> {
  const user = ok(await api('GET', `/users/${B.user}`, { token: B.token }), 200).body;
  const keys = ok(await api('GET', '/api-keys', { token: B.token }), 200).body;
  const settings = ok(await api('GET', `/tenants/${B.tenant}/settings`, { token: B.token }), 200).body;
  const purposes = ok(await api('GET', '/purposes', { token: B.token }), 200).body;
  const tenant = ok(await api('GET', `/tenants/${B.tenant}`, { token: rootToken }), 200).body;
  return { user, keys, settings, purposes, tenant };
}

test('the OpenAPI document classifies every operation, and lists the identity API', () => {
  expect(operations.length).toBeGreaterThanOrEqual(29);
  for (const op of operations) expect(['public', 'self', 'tenant', 'tenant-resource', 'platform']).toContain(op.isolation);
  expect(operations.map((o) => `${o.method} ${o.path}`)).toEqual(expect.arrayContaining(['POST /api/v1/auth/login', 'POST /api/v1/users', 'POST /api/v1/purposes']));
});

test('REST: for every documented operation, a tenant-A caller aimed at tenant B is refused or sees only A', async () => {
  const before = await stateOfB();
  const probed: string[] = [];
  for (const op of operations) {
    const where = `${op.method} ${op.path} (${op.name}, ${op.isolation})`;
    const answer = await probeRest(op);
    probed.push(where);
    expect({ where, refusedOrOwn: answer }).toEqual({ where, refusedOrOwn: true });
  }
  expect(probed).toHaveLength(operations.length);
  expect(await stateOfB()).toEqual(before);
}, 60_000);

/** True when the operation refused A's attempt on B, or answered with A's own data only. */
async function probeRest(op: DocumentedOperation): Promise<boolean> {
  const text = (answer: HttpAnswer) => JSON.stringify(answer.body ?? '');
  const showsNoB = (answer: HttpAnswer) => !markersOfB().some((marker) => text(answer).includes(marker));
  // A's token is valid: only "forbidden" or "not found" count as refusals, not an authentication failure.
  const refused = (answer: HttpAnswer) => [403, 404].includes(answer.status);
  const call = (path: string, body?: unknown) => edge.call(op.method, path, { token: A.token, ...(body !== undefined ? { body } : {}) });
  switch (op.isolation) {
    case 'platform':
      return (await call(op.path.includes('{id}') ? op.path.replace('{id}', B.tenant) : op.path, op.hasBody ? validInput(op.name) : undefined)).status === 403;
    case 'tenant-resource':
      // Named by B's tenant id in the query (the audit log) or by B's resource in the path.
      if (!op.path.includes('{')) return refused(await call(`${op.path}?${new URLSearchParams({ tenant_id: B.tenant, ...(validInput(op.name) as Record<string, string>) })}`));
      return refused(await call(foreignPath(op.path), op.hasBody ? validInput(op.name) : undefined));
    case 'tenant': {
      if (op.method === 'GET') {
        const query = new URLSearchParams(validInput(op.name) as Record<string, string>).toString();
        const answer = await call(query ? `${op.path}?${query}` : op.path);
        return answer.status === 200 && showsNoB(answer);
      }
      if (isModelCall(op)) return probeModelCall(op);
      // No way to name another tenant: a tenant field is refused, and what is created belongs to A.
      const smuggled = await call(op.path, { ...validInput(op.name), tenant_id: B.tenant });
      const created = await call(op.path, validInput(op.name));
      return smuggled.status === 400 && created.status === 201 && created.body.tenant_id === A.tenant;
    }
    case 'self': {
      if (op.method === 'GET') {
        const answer = await call(op.path);
        return answer.status === 200 && answer.body.id === A.admin && showsNoB(answer);
      }
      return (await call(op.path, { ...validInput(op.name), tenant_id: B.tenant, id: B.admin })).status === 400;
    }
    case 'public':
      return probePublic(op);
  }
}

async function probePublic(op: DocumentedOperation): Promise<boolean> {
  switch (op.name) {
    case 'auth.login':
      // A's administrator's credentials, aimed at tenant B.
      return (await api('POST', '/auth/login', { body: { email: 'admin@a.example', password: PASSWORD, tenant: 'tenant-b' }, headers: fromElsewhere() })).status === 401;
    case 'auth.refresh':
      // A's refresh token, re-addressed to tenant B.
      return (await api('POST', '/auth/refresh', { body: { refresh_token: A.refresh.replace(A.tenant, B.tenant) }, headers: fromElsewhere() })).status === 401;
    case 'audit.public-keys.get': {
      // The same keys for everyone, naming no tenant.
      const answer = await edge.call('GET', op.path);
      return answer.status === 200 && !markersOfB().some((m) => JSON.stringify(answer.body).includes(m));
    }
    case 'platform.health':
    case 'platform.status': {
      const answer = await edge.call('GET', op.path.replace('{service}', 'tenant'));
      return answer.status === 200 && !markersOfB().some((m) => JSON.stringify(answer.body).includes(m));
    }
    default:
      throw new Error(`no isolation probe for public operation ${op.name}: add one to this test`);
  }
}

test('GraphQL: for every query and mutation of the schema, a tenant-A caller aimed at tenant B is refused or sees only A', async () => {
  const schema = ok(await edge.graphql(INTROSPECTION, {}, A.token), 200).body.data.__schema;
  const types = new Map<string, IntrospectedType>(schema.types.map((t: IntrospectedType) => [t.name, t]));
  const roots: Array<[string, IntrospectedField]> = [
    ...types.get(schema.queryType.name)!.fields!.map((f): [string, IntrospectedField] => ['query', f]),
    ...types.get(schema.mutationType.name)!.fields!.map((f): [string, IntrospectedField] => ['mutation', f]),
  ];
  const byGraphql = new Map(operations.filter((o) => o.graphql).map((o) => [o.graphql!, o]));
  expect(roots.length).toBe(byGraphql.size);
  const before = await stateOfB();
  for (const [kind, field] of roots) {
    const op = byGraphql.get(`${kind}.${field.name}`);
    if (!op) throw new Error(`GraphQL ${kind} ${field.name} has no operation in the OpenAPI document`);
    const where = `${kind} ${field.name} (${op.name}, ${op.isolation})`;
    expect({ where, refusedOrOwn: await probeGraphql(kind, field, op, types) }).toEqual({ where, refusedOrOwn: true });
  }
  expect(await stateOfB()).toEqual(before);
}, 60_000);

async function probeGraphql(kind: string, field: IntrospectedField, op: DocumentedOperation, types: Map<string, IntrospectedType>): Promise<boolean> {
  const foreignId = op.isolation === 'tenant-resource' || op.isolation === 'platform' ? foreignPath(op.path.includes('{id}') ? op.path : `${op.path}/{id}`).split('/').find((part) => markersOfB().includes(part)) : undefined;
  const values: Record<string, unknown> = { ...validInput(op.name), ...(foreignId ? { id: foreignId, tenant_id: foreignId } : {}), ...(isModelCall(op) ? { purpose: B.purpose } : {}) };
  if (op.isolation === 'public') return probePublicGraphql(field, types);
  if (op.isolation === 'self' && kind === 'mutation') return probeSelfMutation(field);
  const answer = await edge.graphql(graphqlCall(kind, field, values, types), {}, A.token);
  const errorCode = answer.body?.errors?.[0]?.extensions?.code as string | undefined;
  const data = JSON.stringify(answer.body?.data ?? {});
  switch (op.isolation) {
    case 'platform':
      return errorCode === 'FORBIDDEN';
    case 'tenant-resource':
      return errorCode === 'FORBIDDEN' || errorCode === 'NOT_FOUND';
    case 'tenant':
      if (kind === 'query') return errorCode === undefined && !markersOfB().some((m) => data.includes(m));
      // A model call for B's purpose: refused, nothing of B.
      if (isModelCall(op)) return ['FORBIDDEN', 'NOT_FOUND'].includes(errorCode ?? '') && !markersOfB().some((m) => data.includes(m));
      return errorCode === undefined && answer.body.data.result.tenant_id === A.tenant;
    case 'self':
      // Nothing can name a target: the caller's own data only (A's administrator).
      return answer.body.data?.result?.id === A.admin && !markersOfB().some((m) => data.includes(m));
  }
}

/** A mutation on the caller alone offers no argument naming anyone else: trying one is refused. */
async function probeSelfMutation(field: IntrospectedField): Promise<boolean> {
  const answer = await edge.graphql(`mutation { ${field.name}(tenant_id: "${B.tenant}", id: "${B.admin}") }`, {}, A.token);
  return (answer.body?.errors?.length ?? 0) > 0 && answer.body?.data?.[field.name] == null;
}

async function probePublicGraphql(field: IntrospectedField, types: Map<string, IntrospectedType>): Promise<boolean> {
  const selection = selectionOf(field.type, types);
  if (field.name === 'auditPublicKeys') {
    const answer = await edge.graphql(`{ auditPublicKeys ${selection} }`);
    return answer.body?.errors === undefined && !markersOfB().some((m) => JSON.stringify(answer.body).includes(m));
  }
  const answers: Record<string, () => Promise<HttpAnswer>> = {
    login: () => edge.graphql(`mutation { login(email: "admin@a.example", password: ${JSON.stringify(PASSWORD)}, tenant: "tenant-b") ${selection} }`, {}, undefined, fromElsewhere()),
    refresh: () => edge.graphql(`mutation { refresh(refresh_token: ${JSON.stringify(A.refresh.replace(A.tenant, B.tenant))}) ${selection} }`, {}, undefined, fromElsewhere()),
  };
  const probe = answers[field.name];
  if (!probe) throw new Error(`no isolation probe for public GraphQL field ${field.name}: add one to this test`);
  return (await probe()).body?.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED';
}

test('no HTTP route and no GraphQL field creates a super-admin', async () => {
  const withRoles = operations.filter((op) => op.hasBody && ['auth.users.create', 'auth.users.roles.set'].includes(op.name));
  expect(withRoles).toHaveLength(2);
  for (const token of [A.token, rootToken]) {
    expect((await api('POST', '/users', { token, body: { email: 'x@a.example', password: PASSWORD, roles: ['superadmin'] } })).status).toBe(400);
    expect((await api('PUT', `/users/${A.admin}/roles`, { token, body: { roles: ['superadmin'] } })).status).toBe(400);
    const graphql = await edge.graphql(`mutation { createUser(email: "y@a.example", password: ${JSON.stringify(PASSWORD)}, roles: [superadmin]) { id } }`, {}, token);
    expect(graphql.body.errors?.length).toBeGreaterThan(0);
  }
  expect(operations.some((op) => /bootstrap/.test(op.path) || /bootstrap/.test(op.name))).toBe(false);
  expect((await api('POST', '/auth/bootstrap', { body: {} })).status).toBe(404);
  const schema = JSON.stringify(ok(await edge.graphql(INTROSPECTION, {}, A.token), 200).body);
  expect(schema).not.toMatch(/bootstrap/i);
  // Counted in auth's database by the administrator: exactly the one bootstrap created.
  const client = new pg.Client({ connectionString: ADMIN_URL.replace(/\/[^/]*$/, `/${prefix}_auth`) });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM auth_users WHERE 'superadmin' = ANY (roles)`);
    expect(rows[0].n).toBe(1);
  } finally {
    await client.end();
  }
});

/** A's token as the edge would send it to `service`: exchanged by auth for that service's audience. */
async function tokenOfAFor(bus: BusClient, service: BusService): Promise<string> {
  return (await bus.call(tokenExchangeOperation('edge-api'), { audience: service }, { requestId: randomUUID(), token: A.token })).access_token;
}

test('straight onto the bus, past the edge: every platform operation refuses tenant A’s administrator, in the service itself', async () => {
  // As the edge: the token exchange is the edge's alone (each service reads who asks from the reply inbox).
  const connection = await connectAs(nats.url, 'edge-api');
  try {
    const bus = new BusClient(connection);
    const probes: Array<[BusOperation, unknown]> = [
      [TENANT_OPERATIONS.createTenant, { slug: 'from-the-bus', name: 'X' }],
      [TENANT_OPERATIONS.listTenants, {}],
      [TENANT_OPERATIONS.getTenant, { id: B.tenant }],
      [TENANT_OPERATIONS.suspendTenant, { id: B.tenant }],
      [TENANT_OPERATIONS.resumeTenant, { id: B.tenant }],
      [TENANT_OPERATIONS.deleteTenant, { id: B.tenant }],
      [TENANT_OPERATIONS.resolveTenant, { slug: 'tenant-b' }],
      [AUTH_OPERATIONS.createInitialAdmin, { tenant_id: B.tenant, email: 'intruder@a.example', password: PASSWORD }],
    ];
    for (const [operation, payload] of probes) {
      const { subject } = operation;
      // A token this service accepts (a valid caller, without the right), and the token the client holds (for the edge only).
      const forService = { requestId: randomUUID(), token: await tokenOfAFor(bus, operation.service) };
      const refusal = await bus.call(operation, payload as never, forService).then(() => 'accepted', (e: { code?: string }) => e.code);
      const asGiven = await bus.call(operation, payload as never, { requestId: randomUUID(), token: A.token }).then(() => 'accepted', (e: { code?: string }) => e.code);
      expect({ subject, refusal, asGiven }).toEqual({ subject, refusal: 'FORBIDDEN', asGiven: 'UNAUTHENTICATED' });
    }
  } finally {
    await connection.close();
  }
  expect(ok(await api('GET', `/tenants/${B.tenant}`, { token: rootToken }), 200).body.status).toBe('active');
});

test('a token a service received cannot be replayed to another: the tenant service cannot turn an admin’s settings call into a new administrator at auth', async () => {
  // As the edge: the token exchange is the edge's alone (each service reads who asks from the reply inbox).
  const connection = await connectAs(nats.url, 'edge-api');
  try {
    const bus = new BusClient(connection);
    // What a compromised tenant service holds after A's administrator changed a setting: A's token for the tenant service.
    const received = await tokenOfAFor(bus, 'tenant');
    const intruder = { email: `${randomUUID()}@a.example`, password: PASSWORD, roles: ['tenant_admin'] as const };
    const replayed = await bus
      .call(AUTH_OPERATIONS.createUser, { ...intruder, roles: [...intruder.roles] }, { requestId: randomUUID(), token: received })
      .then(() => 'accepted', (e: { code?: string }) => e.code);
    expect(replayed).toBe('UNAUTHENTICATED');
    // Nor can it have the token re-issued for auth: only the edge's NATS user may exchange (a private, open server here
    // lets the test act as the edge; the generated configuration enforces it, see test/e2e/bus-authorization).
    const users = ok(await api('GET', '/users', { token: A.token }), 200).body.users as Array<{ email: string }>;
    expect(users.map((user) => user.email)).not.toContain(intruder.email);
  } finally {
    await connection.close();
  }
});
