// The OpenAI-compatible surface as an OpenAI SDK sees it: a tenant API key as the bearer token,
// answers and errors in OpenAI's shapes (never problem+json), nothing echoed.
import { randomUUID } from 'node:crypto';
import { AUTH_OPERATIONS, LLM_OPERATIONS } from '@gardien/contracts';
import { PrivateNats } from '@gardien/testing';
import { FakeServices, SigningKey, exchangedFor, startEdge, type RunningEdge } from '../testing/edge-harness.js';

const tenantId = randomUUID();
const keyId = randomUUID();
const API_KEY = `gk1.${tenantId}.${keyId}.${'s'.repeat(43)}`;

let nats: PrivateNats;
let fakes: FakeServices;
let edge: RunningEdge;
let apiKeyToken: string;

beforeAll(async () => {
  nats = await PrivateNats.start();
  fakes = await FakeServices.start(nats.url);
  const key = await SigningKey.create('key-1');
  apiKeyToken = await key.sign({ sub: keyId, tid: tenantId, kind: 'api_key', roles: ['developer'], mfa: false, purposes: ['support'] });
  fakes.on(AUTH_OPERATIONS.jwks.subject, () => ({ response: { keys: [key.jwk] } }));
  fakes.on(AUTH_OPERATIONS.exchangeApiKey.subject, (payload) =>
    (payload as { key: string }).key === API_KEY ? { response: { access_token: apiKeyToken, expires_in: 120 } } : { err: { code: 'UNAUTHENTICATED', message: 'unknown key' } },
  );
  fakes.on(LLM_OPERATIONS.listModels.subject, () => ({
    response: {
      models: [
        { id: 'mistral:7b-instruct', capabilities: ['chat'], context_length: 32_768, owned_by: 'gardien', description: 'Assistant, in French and English' },
        { id: 'llama3.1:8b', capabilities: ['chat', 'embeddings'], context_length: 8_192, owned_by: 'gardien', description: null },
      ],
    },
  }));
  edge = await startEdge(nats.url);
});

afterAll(async () => {
  await edge?.close();
  await fakes?.close();
  await nats?.dispose();
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${edge.url}${path}`, { headers });

test('GET /v1/models with an API key as the bearer answers OpenAI’s list, from what the gateway lets this caller call', async () => {
  const response = await get('/v1/models', { authorization: `Bearer ${API_KEY}` });
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({
    object: 'list',
    data: [
      { id: 'mistral:7b-instruct', object: 'model', created: 0, owned_by: 'gardien', description: 'Assistant, in French and English' },
      { id: 'llama3.1:8b', object: 'model', created: 0, owned_by: 'gardien' },
    ],
  });
  expect(fakes.callsTo(LLM_OPERATIONS.listModels.subject).map((call) => call.token)).toEqual([exchangedFor(apiKeyToken, 'llm-gateway')]);
});

test('errors take OpenAI’s shape: no credential, a bad key, an unknown route; with our request id and no echo', async () => {
  const cases: Array<[string, Record<string, string>, number, string]> = [
    ['/v1/models', {}, 401, 'authentication_error'],
    ['/v1/models', { authorization: 'Bearer gk1.not-a-key-jean.dupont@example.fr' }, 401, 'authentication_error'],
    ['/v1/chat/nothing-here-jean.dupont@example.fr', { authorization: `Bearer ${API_KEY}` }, 404, 'not_found_error'],
  ];
  for (const [path, headers, status, type] of cases) {
    const response = await get(path, headers);
    const text = await response.text();
    expect([path, response.status, response.headers.get('content-type')]).toEqual([path, status, expect.stringContaining('application/json')]);
    const body = JSON.parse(text) as { error: Record<string, unknown> };
    expect(body).toEqual({ error: { message: expect.any(String), type, param: null, code: expect.stringMatching(/^[a-z_]+$/), request_id: expect.any(String) } });
    expect(text).not.toMatch(/jean|dupont|example\.fr|problem/);
  }
});

test('the OpenAPI document describes the /v1 surface beside the REST one', async () => {
  const document = (await (await get('/api/docs-json')).json()) as { paths: Record<string, Partial<Record<'get' | 'post', Record<string, unknown>>>> };
  expect(document.paths['/v1/models']?.get).toMatchObject({ operationId: 'openAiListModels', tags: ['openai'], 'x-gardien-operation': 'llm-gateway.models.list' });
  expect(document.paths['/v1/chat/completions']?.post).toMatchObject({ operationId: 'openAiChatCompletions', 'x-gardien-operation': 'llm-gateway.chat', 'x-gardien-isolation': 'tenant' });
  expect(document.paths['/v1/embeddings']?.post).toMatchObject({ operationId: 'openAiEmbeddings', 'x-gardien-operation': 'llm-gateway.embeddings', 'x-gardien-isolation': 'tenant' });
});
