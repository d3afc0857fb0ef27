// Domain reasons, end to end through the edge on a real NATS: a reason a service puts in its bus
// envelope leaves as problem+json (`type` /problems/<reason>, `reason`), as GraphQL's
// `extensions.reason` and as OpenAI's error `code`; the edge's own refusals carry theirs the same
// way; and nothing that is not one of our reasons (free text, a reason on INTERNAL) gets through.
import { randomUUID } from 'node:crypto';
import { AUTH_OPERATIONS, LLM_OPERATIONS, TENANT_OPERATIONS } from '@gardien/contracts';
import { PrivateNats, rawRequest } from '@gardien/testing';
import { ProblemSchema } from './openapi/openapi-document.js';
import { startEdgeBench, type EdgeBench, type FakeServices, type RunningEdge } from './testing/edge-harness.js';

let nats: PrivateNats;
let bench: EdgeBench;
let fakes: FakeServices;
let edge: RunningEdge;
let superadminToken: string;
let memberToken: string;
const tenantId = randomUUID();
const credentials = { email: 'ada@example.org', password: 'correct horse battery staple' };

beforeAll(async () => {
  nats = await PrivateNats.start();
  // Room for every request of the file from one address.
  bench = await startEdgeBench(nats.url, { GARDIEN_RATE_LIMIT_AUTH_MAX: '1000', GARDIEN_RATE_LIMIT_MAX: '1000' });
  ({ fakes, edge } = bench);
  superadminToken = await bench.key.sign({ sub: randomUUID(), tid: null, roles: ['superadmin'] });
  memberToken = await bench.key.sign({ sub: randomUUID(), tid: tenantId, roles: ['developer'] });
});

afterAll(async () => {
  await bench?.close();
  await nats?.dispose();
});

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function send(method: string, path: string, options: { token?: string; body?: unknown; raw?: string; contentType?: string } = {}): Promise<Answer> {
  const response = await fetch(`${edge.url}${path}`, {
    method,
    headers: {
      'content-type': options.contentType ?? 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    ...(options.raw !== undefined ? { body: options.raw } : options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

type GraphqlErrors = Array<{ extensions?: Record<string, unknown> }>;

async function graphql(query: string, token?: string): Promise<GraphqlErrors> {
  const answer = await send('POST', '/graphql', { body: { query }, ...(token ? { token } : {}) });
  return (answer.body.errors as GraphqlErrors | undefined) ?? [];
}

/** A problem document of this status, code and reason, valid against the published schema. */
function expectProblem(answer: Answer, status: number, code: string, reason: string): void {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(ProblemSchema.parse(answer.body)).toMatchObject({ type: `/problems/${reason.replaceAll('_', '-')}`, status, code, reason });
}

describe("a service's reason leaves the edge on every surface", () => {
  afterEach(() => {
    fakes.on(AUTH_OPERATIONS.login.subject, () => ({ err: { code: 'NOT_FOUND', message: 'no handler for this subject' } }));
  });

  test('auth refusing a login: invalid_credentials, on REST and GraphQL', async () => {
    fakes.on(AUTH_OPERATIONS.login.subject, () => ({ err: { code: 'UNAUTHENTICATED', reason: 'invalid_credentials', message: 'the credentials are not valid' } }));
    expectProblem(await send('POST', '/api/v1/auth/login', { body: credentials }), 401, 'UNAUTHENTICATED', 'invalid_credentials');
    const errors = await graphql(`mutation { login(email: "${credentials.email}", password: "${credentials.password}") { access_token } }`);
    expect(errors.map((error) => error.extensions)).toEqual([{ code: 'UNAUTHENTICATED', reason: 'invalid_credentials' }]);
  });

  test('the login throttle: too_many_attempts, with its delay as Retry-After', async () => {
    fakes.on(AUTH_OPERATIONS.login.subject, () => ({
      err: { code: 'RATE_LIMITED', reason: 'too_many_attempts', message: 'too many failed attempts: try again later', retryAfterSeconds: 12 },
    }));
    const answer = await send('POST', '/api/v1/auth/login', { body: credentials });
    expectProblem(answer, 429, 'RATE_LIMITED', 'too_many_attempts');
    expect(answer.headers.get('retry-after')).toBe('12');
  });

  test('tenant refusing a slug: tenant_slug_taken, on REST and GraphQL', async () => {
    fakes.on(TENANT_OPERATIONS.createTenant.subject, () => ({ err: { code: 'CONFLICT', reason: 'tenant_slug_taken', message: 'a tenant with this slug already exists' } }));
    expectProblem(await send('POST', '/api/v1/tenants', { token: superadminToken, body: { slug: 'acme', name: 'Acme' } }), 409, 'CONFLICT', 'tenant_slug_taken');
    const errors = await graphql('mutation { createTenant(slug: "acme", name: "Acme") { id } }', superadminToken);
    expect(errors.map((error) => error.extensions)).toEqual([{ code: 'CONFLICT', reason: 'tenant_slug_taken' }]);
  });

  test('a reason with details: the details speak of the request, the reason is kept', async () => {
    fakes.on(AUTH_OPERATIONS.createApiKey.subject, () => ({
      err: { code: 'VALIDATION_FAILED', reason: 'purpose_not_declared', message: 'the purpose is not declared by the tenant', details: [{ path: 'payload.purpose', reason: 'unknown_purpose' }] },
    }));
    const answer = await send('POST', '/api/v1/api-keys', { token: memberToken, body: { name: 'ci', purpose: 'support' } });
    expectProblem(answer, 400, 'VALIDATION_FAILED', 'purpose_not_declared');
    expect(answer.body.errors).toEqual([{ path: 'body.purpose', reason: 'unknown_purpose' }]);
  });

  test("the ability factory's refusal: action_not_allowed, also as OpenAI's error code on /v1", async () => {
    const refusal = () => ({ err: { code: 'FORBIDDEN', reason: 'action_not_allowed', message: 'this action on this resource is not allowed for the caller' } }) as const;
    // GET /api/v1/models is the gateway's overview; GET /v1/models lists the gateway's models.
    fakes.on(LLM_OPERATIONS.modelsOverview.subject, refusal);
    fakes.on(LLM_OPERATIONS.listModels.subject, refusal);
    expectProblem(await send('GET', '/api/v1/models', { token: memberToken }), 403, 'FORBIDDEN', 'action_not_allowed');
    const openAi = await send('GET', '/v1/models', { token: memberToken });
    expect(openAi.status).toBe(403);
    expect(openAi.body).toMatchObject({ error: { type: 'permission_error', code: 'action_not_allowed' } });
  });

  test('what is not one of our reasons is dropped: free text, and any reason on INTERNAL', async () => {
    fakes.on(AUTH_OPERATIONS.login.subject, () => ({ err: { code: 'FORBIDDEN', reason: 'jean.dupont@example.org', message: 'no' } }));
    const freeText = await send('POST', '/api/v1/auth/login', { body: credentials });
    expect(freeText.status).toBe(403);
    expect(freeText.body).toMatchObject({ type: '/problems/forbidden', code: 'FORBIDDEN' });
    expect(freeText.body).not.toHaveProperty('reason');
    fakes.on(AUTH_OPERATIONS.login.subject, () => ({ err: { code: 'INTERNAL', reason: 'decryption_failed', message: 'internal error' } }));
    const internal = await send('POST', '/api/v1/auth/login', { body: credentials });
    expect(internal.status).toBe(500);
    expect(internal.body).toMatchObject({ type: '/problems/internal', code: 'INTERNAL' });
    expect(internal.body).not.toHaveProperty('reason');
  });
});

describe("the edge's own refusals carry their reasons", () => {
  test('an unknown service: unknown_service', async () => {
    expectProblem(await send('GET', '/api/v1/status/billing'), 404, 'NOT_FOUND', 'unknown_service');
  });

  test('a body the parser refuses: invalid_json, unsafe_text (its detail says which), and a media type: unsupported_media_type (415)', async () => {
    expectProblem(await send('POST', '/api/v1/auth/login', { raw: '{"email": ' }), 400, 'VALIDATION_FAILED', 'invalid_json');
    const unsafe = await send('POST', '/api/v1/auth/login', { raw: '{"email":"a\\u0000b","password":"x"}' });
    expectProblem(unsafe, 400, 'VALIDATION_FAILED', 'unsafe_text');
    expect(unsafe.body.errors).toEqual([{ path: 'body.email', reason: 'contains_nul' }]);
    expectProblem(await send('POST', '/api/v1/auth/login', { raw: 'email=a', contentType: 'application/x-www-form-urlencoded' }), 415, 'VALIDATION_FAILED', 'unsupported_media_type');
  });

  test('an access token and an API key in one request: credentials_ambiguous, on REST and GraphQL, before either is tried', async () => {
    const both = { authorization: `Bearer ${memberToken}`, 'x-api-key': 'gdn_x', 'content-type': 'application/json' };
    const rest = await fetch(`${edge.url}/api/v1/me`, { headers: both });
    expectProblem({ status: rest.status, headers: rest.headers, body: (await rest.json()) as Record<string, unknown> }, 401, 'UNAUTHENTICATED', 'credentials_ambiguous');
    const graphqlAnswer = await fetch(`${edge.url}/graphql`, { method: 'POST', headers: both, body: JSON.stringify({ query: '{ me { id } }' }) });
    const errors = ((await graphqlAnswer.json()) as { errors: GraphqlErrors }).errors;
    expect(errors.map((error) => error.extensions)).toEqual([{ code: 'UNAUTHENTICATED', reason: 'credentials_ambiguous' }]);
  });

  test('one credential sent twice (two Authorization or two X-API-Key headers): credentials_ambiguous, whichever would act', async () => {
    const { host } = new URL(edge.url);
    for (const [name, value] of [['Authorization', `Bearer ${memberToken}`], ['X-API-Key', 'gdn_x']]) {
      const answer = await rawRequest(edge.url, `GET /api/v1/me HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n${name}: ${value}\r\n${name}: ${value}\r\n\r\n`);
      expect([name, answer.status, (JSON.parse(answer.body) as { reason?: string }).reason]).toEqual([name, 401, 'credentials_ambiguous']);
    }
  });

  test("GraphQL's bounds and rules: too_many_root_fields, introspection_disabled, superadmin_only", async () => {
    const roots = Array.from({ length: 11 }, (_, i) => `a${i}: __typename`).join(' ');
    expect((await graphql(`{ ${roots} }`)).map((error) => error.extensions)).toEqual([{ code: 'VALIDATION_FAILED', reason: 'too_many_root_fields' }]);
    expect((await graphql('{ __schema { queryType { name } } }')).map((error) => error.extensions)).toEqual([{ code: 'VALIDATION_FAILED', reason: 'introspection_disabled' }]);
    expect((await graphql('{ tenants { tenants { id } } }', memberToken)).map((error) => error.extensions)).toEqual([{ code: 'FORBIDDEN', reason: 'superadmin_only' }]);
    expect(fakes.callsTo(TENANT_OPERATIONS.listTenants.subject)).toEqual([]);
  });
});
