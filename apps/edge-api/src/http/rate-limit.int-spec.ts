// Per-source rate limits, with small limits and a trusted proxy so that each test is its own
// source (X-Forwarded-For): the stricter authentication bucket shared by REST and GraphQL, the
// global limit, and refusals as RATE_LIMITED problems that the access log records like any other.
import { AUTH_OPERATIONS, serviceOperations } from '@gardien/contracts';
import { PrivateNats } from '@gardien/testing';
import { ProblemSchema } from '../openapi/openapi-document.js';
import { FakeServices, startEdge, type RunningEdge } from '../testing/edge-harness.js';

const GLOBAL_MAX = 8;
const AUTH_MAX = 3;

let nats: PrivateNats;
let fakes: FakeServices;
let edge: RunningEdge;

const tokenPair = { access_token: 'a', refresh_token: 'r', token_type: 'Bearer', expires_in: 900 };
const health = { service: 'auth', status: 'up', checks: { bus: 'up' }, instance: 'auth', uptimeSeconds: 1 };
const login = { email: 'ada@example.org', password: 'correct horse battery staple' };

beforeAll(async () => {
  nats = await PrivateNats.start();
  fakes = await FakeServices.start(nats.url);
  fakes.on(AUTH_OPERATIONS.login.subject, () => ({ response: tokenPair }));
  fakes.on(serviceOperations('auth').health.subject, () => ({ response: health }));
  edge = await startEdge(nats.url, {
    GARDIEN_RATE_LIMIT_MAX: String(GLOBAL_MAX),
    GARDIEN_RATE_LIMIT_AUTH_MAX: String(AUTH_MAX),
    GARDIEN_TRUSTED_PROXIES: '127.0.0.1',
  });
});

afterAll(async () => {
  await edge?.close();
  await fakes?.close();
  await nats?.dispose();
});

function from(source: string, init: RequestInit = {}): RequestInit {
  return { ...init, headers: { 'content-type': 'application/json', 'x-forwarded-for': source, ...(init.headers as Record<string, string>) } };
}

async function expectRateLimited(response: Response): Promise<void> {
  expect(response.status).toBe(429);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
  const problem = (await response.json()) as Record<string, unknown>;
  expect(ProblemSchema.parse(problem)).toMatchObject({ type: '/problems/rate-limit-exceeded', status: 429, code: 'RATE_LIMITED', reason: 'rate_limit_exceeded' });
  expect(problem.request_id).toBe(response.headers.get('x-request-id'));
}

test('logins of one source beyond the auth limit get 429 and reach no service; another source still logs in', async () => {
  const source = '203.0.113.10';
  fakes.forget();
  for (let i = 0; i < AUTH_MAX; i++) {
    const response = await fetch(`${edge.url}/api/v1/auth/login`, from(source, { method: 'POST', body: JSON.stringify(login) }));
    expect(response.status).toBe(200);
  }
  await expectRateLimited(await fetch(`${edge.url}/api/v1/auth/login`, from(source, { method: 'POST', body: JSON.stringify(login) })));
  // Refresh shares the bucket: the limit is on authentication, not on one route.
  await expectRateLimited(await fetch(`${edge.url}/api/v1/auth/refresh`, from(source, { method: 'POST', body: '{"refresh_token":"r"}' })));
  expect(fakes.callsTo(AUTH_OPERATIONS.login.subject).map((call) => (call.payload as { source: string }).source)).toEqual([source, source, source]);

  const other = await fetch(`${edge.url}/api/v1/auth/login`, from('203.0.113.11', { method: 'POST', body: JSON.stringify(login) }));
  expect(other.status).toBe(200);
});

test('GraphQL logins count in the same bucket, each alias as one attempt', async () => {
  const source = '203.0.113.20';
  fakes.forget();
  const aliases = Array.from({ length: AUTH_MAX + 1 }, (_, i) => `a${i}: login(email: "ada@example.org", password: "x") { expires_in }`).join(' ');
  const response = await fetch(`${edge.url}/graphql`, from(source, { method: 'POST', body: JSON.stringify({ query: `mutation { ${aliases} }` }) }));
  const result = (await response.json()) as { data: Record<string, unknown> | null; errors?: Array<{ path: string[]; extensions: { code: string } }> };
  expect(result.errors).toEqual([expect.objectContaining({ path: [`a${AUTH_MAX}`], extensions: { code: 'RATE_LIMITED', reason: 'rate_limit_exceeded' } })]);
  expect(response.headers.get('retry-after')).not.toBeNull();
  expect(fakes.callsTo(AUTH_OPERATIONS.login.subject)).toHaveLength(AUTH_MAX);
  await expectRateLimited(await fetch(`${edge.url}/api/v1/auth/login`, from(source, { method: 'POST', body: JSON.stringify(login) })));
});

test('every route counts against the global limit of its source, before authentication', async () => {
  const source = '203.0.113.30';
  for (let i = 0; i < GLOBAL_MAX; i++) {
    expect((await fetch(`${edge.url}/api/v1/status/auth`, from(source))).status).toBe(200);
  }
  await expectRateLimited(await fetch(`${edge.url}/api/v1/status/auth`, from(source)));
  await expectRateLimited(await fetch(`${edge.url}/api/v1/me`, from(source)));
  await expectRateLimited(await fetch(`${edge.url}/graphql`, from(source, { method: 'POST', body: '{"query":"{ me { id } }"}' })));
  expect((await fetch(`${edge.url}/api/v1/status/auth`, from('203.0.113.31'))).status).toBe(200);
});

test('unknown routes count against the same global limit, and are refused before their body is parsed', async () => {
  const source = '198.51.100.70';
  for (let i = 0; i < GLOBAL_MAX; i++) {
    expect((await fetch(`${edge.url}/api/v1/nowhere-${i}`, from(source, { method: 'POST', body: '{"a":1}' }))).status).toBe(404);
  }
  // Over the limit: a 429, not a 404 nor the parser's 400 for a body that is not JSON.
  await expectRateLimited(await fetch(`${edge.url}/api/v1/nowhere`, from(source, { method: 'POST', body: 'not json at all' })));
  await expectRateLimited(await fetch(`${edge.url}/api/v1/status/auth`, from(source)));
  // And the other way round: a source limited on known routes is limited on unknown ones.
  const other = '198.51.100.71';
  for (let i = 0; i < GLOBAL_MAX; i++) await fetch(`${edge.url}/api/v1/status/auth`, from(other));
  await expectRateLimited(await fetch(`${edge.url}/api/v1/nowhere`, from(other)));
});

test("the router's refusals (bad percent-encoding, an over-long parameter) count against the same global limit, by the same source", async () => {
  const source = '198.51.100.80';
  for (let i = 0; i < GLOBAL_MAX; i++) {
    const path = i % 2 === 0 ? '/api/v1/users/x%FF%FE' : `/api/v1/users/${'a'.repeat(150)}`;
    expect((await fetch(`${edge.url}${path}`, from(source, { method: 'POST', body: '{"a":1}' }))).status).toBe(i % 2 === 0 ? 400 : 414);
  }
  await expectRateLimited(await fetch(`${edge.url}/api/v1/users/x%FF%FE`, from(source)));
  await expectRateLimited(await fetch(`${edge.url}/api/v1/status/auth`, from(source)));
  // Counted by the client's address behind the trusted proxy, not by the proxy's: another source is served.
  expect((await fetch(`${edge.url}/api/v1/users/x%FF%FE`, from('198.51.100.81'))).status).toBe(400);
  const other = '198.51.100.82';
  for (let i = 0; i < GLOBAL_MAX; i++) await fetch(`${edge.url}/api/v1/status/auth`, from(other));
  await expectRateLimited(await fetch(`${edge.url}/api/v1/users/x%FF%FE`, from(other)));
});

test('on /api/v1/auth/* the rate-limit headers show the auth limit; elsewhere the global one', async () => {
  const source = '203.0.113.40';
  const first = await fetch(`${edge.url}/api/v1/auth/login`, from(source, { method: 'POST', body: JSON.stringify(login) }));
  const second = await fetch(`${edge.url}/api/v1/auth/login`, from(source, { method: 'POST', body: JSON.stringify(login) }));
  expect([first.headers.get('x-ratelimit-limit'), first.headers.get('x-ratelimit-remaining')]).toEqual([String(AUTH_MAX), String(AUTH_MAX - 1)]);
  expect([second.headers.get('x-ratelimit-limit'), second.headers.get('x-ratelimit-remaining')]).toEqual([String(AUTH_MAX), String(AUTH_MAX - 2)]);
  expect(Number(second.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0);
  const status = await fetch(`${edge.url}/api/v1/status/auth`, from(source));
  expect(status.headers.get('x-ratelimit-limit')).toBe(String(GLOBAL_MAX));
});

describe('Retry-After', () => {
  afterEach(() => fakes.on(AUTH_OPERATIONS.login.subject, () => ({ response: tokenPair })));

  test("the auth service's back-off delay (RATE_LIMITED with retryAfterSeconds) is sent as Retry-After, on REST and GraphQL", async () => {
    fakes.on(AUTH_OPERATIONS.login.subject, () => ({ err: { code: 'RATE_LIMITED', message: 'too many attempts', retryAfterSeconds: 42 } }));
    const rest = await fetch(`${edge.url}/api/v1/auth/login`, from('203.0.113.50', { method: 'POST', body: JSON.stringify(login) }));
    expect(rest.status).toBe(429);
    expect(rest.headers.get('retry-after')).toBe('42');
    const graphql = await fetch(
      `${edge.url}/graphql`,
      from('203.0.113.51', { method: 'POST', body: JSON.stringify({ query: 'mutation { login(email: "ada@example.org", password: "x") { expires_in } }' }) }),
    );
    const result = (await graphql.json()) as { errors?: Array<{ extensions: { code: string } }> };
    expect(result.errors?.[0]?.extensions.code).toBe('RATE_LIMITED');
    expect(graphql.headers.get('retry-after')).toBe('42');
  });

  test('a 429 or 503 without a delay from the service still carries Retry-After', async () => {
    fakes.on(AUTH_OPERATIONS.login.subject, () => ({ err: { code: 'RATE_LIMITED', message: 'too many attempts' } }));
    const limited = await fetch(`${edge.url}/api/v1/auth/login`, from('203.0.113.52', { method: 'POST', body: JSON.stringify(login) }));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    fakes.on(AUTH_OPERATIONS.login.subject, () => ({ err: { code: 'UNAVAILABLE', message: 'the database is not available' } }));
    const unavailable = await fetch(`${edge.url}/api/v1/auth/login`, from('203.0.113.53', { method: 'POST', body: JSON.stringify(login) }));
    expect(unavailable.status).toBe(503);
    expect(Number(unavailable.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  test('a delay a service gives is passed on whatever its code; other problems carry none', async () => {
    fakes.on(AUTH_OPERATIONS.login.subject, () => ({ err: { code: 'UNAUTHENTICATED', message: 'wait', retryAfterSeconds: 7 } }));
    const delayed = await fetch(`${edge.url}/api/v1/auth/login`, from('203.0.113.54', { method: 'POST', body: JSON.stringify(login) }));
    expect([delayed.status, delayed.headers.get('retry-after')]).toEqual([401, '7']);
    fakes.on(AUTH_OPERATIONS.login.subject, () => ({ err: { code: 'UNAUTHENTICATED', message: 'no' } }));
    const refused = await fetch(`${edge.url}/api/v1/auth/login`, from('203.0.113.55', { method: 'POST', body: JSON.stringify(login) }));
    expect([refused.status, refused.headers.get('retry-after')]).toEqual([401, null]);
  });
});

test('refusals are in the access log by route and status, and client addresses are in no log line', async () => {
  const refusals = edge.logLines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.status === 429);
  expect(refusals.map((entry) => entry.route)).toEqual(
    expect.arrayContaining(['/api/v1/auth/login', '/api/v1/auth/refresh', '/api/v1/status/:service', '/api/v1/me', '/graphql']),
  );
  expect(edge.logLines.join('')).not.toContain('203.0.113.');
});
