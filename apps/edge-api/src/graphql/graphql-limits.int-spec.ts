// The GraphQL alias bomb of the security review, reproduced: one anonymous document of 8,000
// aliased `types { name fields { name } }` selections under `__schema` (247 KB) once held the
// edge's event loop for 14 s and answered 31 MB. Each bound is shown on its own: the body limit
// of /graphql, the parser's token limit, the cost and depth limits, and introspection (none for
// anonymous callers, none at all in production; authenticated development tooling keeps it).
import { randomUUID } from 'node:crypto';
import { getIntrospectionQuery } from 'graphql';
import { PrivateNats } from '@gardien/testing';
import { ProblemSchema } from '../openapi/openapi-document.js';
import { startEdge, startEdgeBench, type EdgeBench, type FakeServices, type RunningEdge } from '../testing/edge-harness.js';

let nats: PrivateNats;
let bench: EdgeBench;
let fakes: FakeServices;
let edge: RunningEdge;
let production: RunningEdge;
let token: string;

beforeAll(async () => {
  nats = await PrivateNats.start();
  bench = await startEdgeBench(nats.url);
  ({ fakes, edge } = bench);
  production = await startEdge(nats.url, { GARDIEN_ENV: 'production' });
  token = await bench.key.sign({ sub: randomUUID(), tid: randomUUID(), roles: ['tenant_admin'] });
});

afterAll(async () => {
  await production?.close();
  await bench?.close();
  await nats?.dispose();
});

beforeEach(() => fakes.forget());

interface Answer {
  status: number;
  bytes: number;
  contentType: string | null;
  body: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } & Record<string, unknown>;
}

async function post(target: RunningEdge, query: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${target.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  const text = await response.text();
  return { status: response.status, bytes: Buffer.byteLength(text), contentType: response.headers.get('content-type'), body: JSON.parse(text) as Answer['body'] };
}

const authenticated = () => ({ authorization: `Bearer ${token}` });

/** `count` aliased selections of every type's name and fields under `__schema`. */
function aliasBomb(count: number): string {
  const aliases = Array.from({ length: count }, (_, i) => `a${i}:types{name fields{name}}`).join(' ');
  return `{__schema{${aliases}}}`;
}

/** Refused without running: one VALIDATION_FAILED error with this reason, no data, a small answer. */
function expectRefused(answer: Answer, reason: string): void {
  expect(answer.status).toBe(200);
  expect(answer.body).toEqual({ errors: [expect.objectContaining({ extensions: { code: 'VALIDATION_FAILED', reason } })] });
  expect(answer.bytes).toBeLessThan(1_024);
  expect(fakes.operationCalls()).toEqual([]);
}

test('the 8,000-alias document of the review, anonymous, is refused at the body limit with a small problem', async () => {
  const document = aliasBomb(8_000);
  expect(Buffer.byteLength(document)).toBeGreaterThan(200_000);
  const answer = await post(edge, document);
  expect(answer.status).toBe(413);
  expect(answer.contentType).toMatch(/^application\/problem\+json/);
  expect(ProblemSchema.parse(answer.body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  expect(answer.bytes).toBeLessThan(1_024);
  expect(fakes.operationCalls()).toEqual([]);
});

test('the same attack under the body limit is refused by the parser\'s token limit', async () => {
  const document = aliasBomb(1_500);
  expect(Buffer.byteLength(document)).toBeLessThan(64 * 1024);
  expectRefused(await post(edge, document), 'too_many_tokens');
  expectRefused(await post(edge, document, authenticated()), 'too_many_tokens');
});

test('under the token limit too, every selection at every depth counts, aliases included', async () => {
  expectRefused(await post(edge, aliasBomb(100)), 'too_many_selections');
  expectRefused(await post(edge, aliasBomb(100), authenticated()), 'too_many_selections');
});

test('fragments count each time they are spread: a small document that expands exponentially is refused', async () => {
  const levels = 12;
  const fragments = Array.from({ length: levels }, (_, i) =>
    i === levels - 1 ? `fragment F${i} on __Type { name }` : `fragment F${i} on __Type { ...F${i + 1} ...F${i + 1} }`,
  ).join(' ');
  expectRefused(await post(edge, `{ __schema { types { ...F0 } } } ${fragments}`, authenticated()), 'too_many_selections');
});

test('a document nested deeper than the limit is refused', async () => {
  const deep = `{ __schema { types { fields { type ${'{ ofType '.repeat(14)}{ name }${' }'.repeat(14)} } } } }`;
  expectRefused(await post(edge, deep, authenticated()), 'too_deep');
});

test('a refusal is 400 for clients that accept application/graphql-response+json', async () => {
  const answer = await post(edge, aliasBomb(100), { accept: 'application/graphql-response+json' });
  expect(answer.status).toBe(400);
  expect(answer.body.errors?.[0]?.extensions).toEqual({ code: 'VALIDATION_FAILED', reason: 'too_many_selections' });
});

describe('introspection', () => {
  const schemaQuery = '{ __schema { queryType { name } } }';

  test('is refused to anonymous callers, whether through __schema or __type', async () => {
    expectRefused(await post(edge, schemaQuery), 'introspection_disabled');
    expectRefused(await post(edge, '{ __type(name: "Query") { name } }'), 'introspection_disabled');
  });

  test('is refused to invalid credentials as to none', async () => {
    expectRefused(await post(edge, schemaQuery, { authorization: 'Bearer not-a-token' }), 'introspection_disabled');
  });

  test('__typename is not introspection of the schema', async () => {
    expect((await post(edge, '{ __typename }')).body).toEqual({ data: { __typename: 'Query' } });
  });

  test('answers authenticated callers in development, the standard introspection query included', async () => {
    const answer = await post(edge, schemaQuery, authenticated());
    expect(answer.body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    const full = await post(edge, getIntrospectionQuery(), authenticated());
    expect(full.body.errors).toBeUndefined();
    expect(full.body.data).toHaveProperty('__schema.types');
  });

  test('is refused to everyone in production', async () => {
    expectRefused(await post(production, schemaQuery, authenticated()), 'introspection_disabled');
    expectRefused(await post(production, schemaQuery), 'introspection_disabled');
  });
});
