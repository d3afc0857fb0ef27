// Bad input found by a black-box run against the edge, each refused with 400 before any bus call:
// NUL characters and lone surrogates in any string or key, bytes that are not UTF-8, JSON nested
// past the limit, and a body that is present but not an object. Errors name the place (path.,
// body., args.) and the reason, never the value, and never the bus's own name for the payload.
import { randomUUID } from 'node:crypto';
import { TENANT_OPERATIONS } from '@gardien/contracts';
import { PrivateNats } from '@gardien/testing';
import { ProblemSchema } from '../openapi/openapi-document.js';
import { startEdgeBench, type EdgeBench, type FakeServices, type RunningEdge } from '../testing/edge-harness.js';

const tenantId = randomUUID();
const createdAt = new Date().toISOString();
const purpose = { id: 'support', tenant_id: tenantId, name: 'Support', legal_basis: 'contract', description: null, retention_days: 30, created_at: createdAt };
const tenant = { id: tenantId, slug: 'acme', name: 'Acme', status: 'active', created_at: createdAt };
const settings = {
  tenant_id: tenantId,
  allowed_models: [],
  quotas: { requests_per_minute: 60, requests_per_day: 600, tokens_per_minute: 100, tokens_per_day: 1000, api_key: {} },
  guards: { injection: 'block', output_leaks: 'flag' },
  retention_days: {},
  updated_at: createdAt,
};

let nats: PrivateNats;
let bench: EdgeBench;
let fakes: FakeServices;
let edge: RunningEdge;
let token: string;

beforeAll(async () => {
  nats = await PrivateNats.start();
  bench = await startEdgeBench(nats.url, {}, (services) => {
    services.on(TENANT_OPERATIONS.createPurpose.subject, () => ({ response: purpose }));
    services.on(TENANT_OPERATIONS.createTenant.subject, () => ({ response: tenant }));
    services.on(TENANT_OPERATIONS.updateSettings.subject, () => ({ response: settings }));
  });
  ({ fakes, edge } = bench);
  token = await bench.key.sign({ sub: randomUUID(), roles: ['superadmin'] });
});

afterAll(async () => {
  await bench?.close();
  await nats?.dispose();
});

beforeEach(() => fakes.forget());

interface Answer {
  status: number;
  text: string;
  body: Record<string, unknown> | undefined;
}

async function send(method: string, path: string, body: string | Uint8Array): Promise<Answer> {
  const response = await fetch(`${edge.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
  });
  const text = await response.text();
  return { status: response.status, text, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

/** A 400 problem naming exactly these details, and nothing reached a service. */
function expectRefused(answer: Answer, errors: Array<{ path: string; reason: string }>): void {
  expect(answer.status).toBe(400);
  expect(ProblemSchema.parse(answer.body)).toMatchObject({ code: 'VALIDATION_FAILED', errors });
  expect(fakes.operationCalls()).toEqual([]);
}

interface GraphqlAnswer {
  errors?: Array<{ path?: string[]; extensions?: Record<string, unknown> }>;
}

async function graphql(query: string, variables: Record<string, unknown> = {}): Promise<GraphqlAnswer> {
  const answer = await send('POST', '/graphql', JSON.stringify({ query, variables }));
  return answer.body as GraphqlAnswer;
}

describe('NUL characters', () => {
  const cases: Array<[string, string, Record<string, unknown>, string]> = [
    ['POST /purposes name', '/api/v1/purposes', { id: 'support', name: 'Sup\u0000port', legal_basis: 'contract' }, 'body.name'],
    ['POST /purposes description', '/api/v1/purposes', { id: 'support', name: 'Support', legal_basis: 'contract', description: 'a\u0000' }, 'body.description'],
    ['POST /tenants name', '/api/v1/tenants', { slug: 'acme', name: '\u0000Acme' }, 'body.name'],
    ['POST /api-keys name', '/api/v1/api-keys', { name: 'ci\u0000', purpose: 'support' }, 'body.name'],
  ];

  test.each(cases)('in %s: 400 at validation, naming the field, not the value', async (_name, path, body, field) => {
    const answer = await send('POST', path, JSON.stringify(body));
    expectRefused(answer, [{ path: field, reason: 'contains_nul' }]);
    expect(answer.text).not.toMatch(/Sup|Acme|ci\\u0000/);
  });

  test('in a key, at any depth: refused, and the key is not echoed', async () => {
    const answer = await send('PATCH', `/api/v1/tenants/${tenantId}/settings`, '{"retention_days":{"llm-gateway.prompts\\u0000x":7}}');
    expectRefused(answer, [{ path: 'body.retention_days.*', reason: 'contains_nul' }]);
  });

  test('under a key of the caller\'s shaped like a field name (an unknown field, a GraphQL variable): the key is not echoed', async () => {
    const unknown = await send('POST', '/api/v1/purposes', '{"id":"support","name":"Support","legal_basis":"contract","jean_dupont":"a\\u0000"}');
    expectRefused(unknown, [{ path: 'body.*', reason: 'contains_nul' }]);
    const nestedUnknown = await send('POST', '/api/v1/tenants', '{"slug":"acme","name":{"jean_dupont":"\\u0000"}}');
    expectRefused(nestedUnknown, [{ path: 'body.name.*', reason: 'contains_nul' }]);
    const variable = await send(
      'POST',
      '/graphql',
      JSON.stringify({ query: 'mutation($jean_dupont: String!) { createTenant(slug: "acme", name: $jean_dupont) { id } }', variables: { jean_dupont: 'Ac\u0000me' } }),
    );
    expectRefused(variable, [{ path: 'body.variables.*', reason: 'contains_nul' }]);
    for (const answer of [unknown, nestedUnknown, variable]) expect(answer.text).not.toContain('jean_dupont');
  });

  test('in GraphQL arguments, written in the document or passed as variables', async () => {
    const written = await graphql('mutation { createPurpose(id: "support", name: "Sup\\u0000port", legal_basis: contract) { id } }');
    expect(written.errors).toEqual([
      expect.objectContaining({ path: ['createPurpose'], extensions: { code: 'VALIDATION_FAILED', errors: [{ path: 'args.name', reason: 'contains_nul' }] } }),
    ]);
    const answer = await send(
      'POST',
      '/graphql',
      JSON.stringify({ query: 'mutation($name: String!) { createTenant(slug: "acme", name: $name) { id } }', variables: { name: 'Ac\u0000me' } }),
    );
    expectRefused(answer, [{ path: 'body.variables.name', reason: 'contains_nul' }]);
  });
});

describe('text that is not well-formed Unicode', () => {
  test('a lone surrogate (a JSON escape that is half a character) is refused', async () => {
    const answer = await send('POST', '/api/v1/purposes', '{"id":"support","name":"Sup\\ud800port","legal_basis":"contract"}');
    expectRefused(answer, [{ path: 'body.name', reason: 'lone_surrogate' }]);
  });

  test('bytes that are not UTF-8 are refused instead of being stored as U+FFFD', async () => {
    const prefix = Buffer.from('{"id":"support","name":"Caf');
    const suffix = Buffer.from('","legal_basis":"contract"}');
    for (const bad of [[0xe9], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc0, 0xaf]]) {
      const answer = await send('POST', '/api/v1/purposes', Buffer.concat([prefix, Buffer.from(bad), suffix]));
      expectRefused(answer, [{ path: 'body', reason: 'invalid_utf8' }]);
    }
    // The positive control: the same body in UTF-8 passes.
    const good = await send('POST', '/api/v1/purposes', Buffer.concat([prefix, Buffer.from('é'), suffix]));
    expect(good.status).toBe(201);
    expect(fakes.callsTo(TENANT_OPERATIONS.createPurpose.subject)[0]!.payload).toMatchObject({ name: 'Café' });
  });
});

describe('nesting', () => {
  test('a million unclosed brackets are refused as too deep, not parsed', async () => {
    const answer = await send('POST', '/api/v1/purposes', '['.repeat(1_000_000));
    expectRefused(answer, [{ path: 'body', reason: 'too_deep' }]);
  });

  test('a well-formed value nested 65 levels is refused; 64 levels is parsed and left to the schema', async () => {
    const nested = (levels: number) => `{"id":"support","name":${'['.repeat(levels - 1)}1${']'.repeat(levels - 1)},"legal_basis":"contract"}`;
    expectRefused(await send('POST', '/api/v1/purposes', nested(65)), [{ path: 'body', reason: 'too_deep' }]);
    expectRefused(await send('POST', '/api/v1/purposes', nested(64)), [{ path: 'body.name', reason: 'invalid_type' }]);
  });

  test('GraphQL variables are bounded the same way', async () => {
    const answer = await send('POST', '/graphql', `{"query":"{ me { id } }","variables":{"x":${'['.repeat(70)}${']'.repeat(70)}}}`);
    expectRefused(answer, [{ path: 'body', reason: 'too_deep' }]);
  });
});

describe('a body that is present must be an object', () => {
  test.each(['null', '[]', '"x"', '1', 'true'])('PATCH settings with %s is refused like every POST', async (body) => {
    const answer = await send('PATCH', `/api/v1/tenants/${tenantId}/settings`, body);
    expectRefused(answer, [{ path: 'body', reason: 'invalid_type' }]);
  });

  test('the positive control: an empty object is a valid settings update', async () => {
    expect((await send('PATCH', `/api/v1/tenants/${tenantId}/settings`, '{}')).status).toBe(200);
  });
});

describe('errors raised by a service speak of the HTTP request, not of the bus payload', () => {
  const refusal = {
    err: {
      code: 'VALIDATION_FAILED' as const,
      message: 'the request is not valid',
      details: [
        { path: 'payload.retention_days.auth.sessions', reason: 'exceeds_declared_maximum' },
        { path: 'payload.tenant_id', reason: 'unknown_tenant' },
        { path: 'payload', reason: 'unrecognized_keys' },
        { path: 'internal.table', reason: 'whatever' },
        { reason: 'no_path' },
      ],
    },
  };

  beforeAll(() => fakes.on(TENANT_OPERATIONS.updateSettings.subject, () => refusal));
  afterAll(() => fakes.on(TENANT_OPERATIONS.updateSettings.subject, () => ({ response: settings })));

  test('REST: fields of the body are body., fields from the path are path., anything else loses its path', async () => {
    const answer = await send('PATCH', `/api/v1/tenants/${tenantId}/settings`, '{"retention_days":{"auth.sessions":9999}}');
    expect(answer.status).toBe(400);
    expect(answer.body!.errors).toEqual([
      { path: 'body.retention_days.auth.sessions', reason: 'exceeds_declared_maximum' },
      { path: 'path.id', reason: 'unknown_tenant' },
      { path: 'body', reason: 'unrecognized_keys' },
      { reason: 'whatever' },
      { reason: 'no_path' },
    ]);
    expect(answer.text).not.toContain('payload');
  });

  test('GraphQL: every field is an argument', async () => {
    const result = await graphql('mutation($id: String!, $days: JSON) { updateTenantSettings(tenant_id: $id, retention_days: $days) { tenant_id } }', {
      id: tenantId,
      days: { 'auth.sessions': 9999 },
    });
    expect(result.errors?.[0]?.extensions?.errors).toEqual([
      { path: 'args.retention_days.auth.sessions', reason: 'exceeds_declared_maximum' },
      { path: 'args.tenant_id', reason: 'unknown_tenant' },
      { path: 'args', reason: 'unrecognized_keys' },
      { reason: 'whatever' },
      { reason: 'no_path' },
    ]);
  });
});

test('no value of a refused request reached the log', () => {
  expect(edge.logLines.join('')).not.toMatch(/Sup|Acme|Caf/);
});
