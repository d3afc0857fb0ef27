// Chat completions and embeddings on the OpenAI-compatible surface, as the official `openai` SDK
// calls them (unchanged but for its base URL and key), against the edge on a real NATS with a fake
// gateway: what reaches the gateway (the translated request, under the caller's token exchanged for
// the gateway), answers given once and streamed, base64 embeddings the SDK decodes itself, errors
// the SDK raises as its own classes (before and after the first chunk), refusals before any bus
// call, a client that leaves (a stream or an answer given once) or stops reading (the gateway is
// told to stop), and nothing of the prompts in the edge's log.
import { randomUUID } from 'node:crypto';
import OpenAI, { type APIError } from 'openai';
import { AUTH_OPERATIONS, LLM_OPERATIONS, serviceOperations, type LlmChatChunk } from '@gardien/contracts';
import { PrivateNats } from '@gardien/testing';
import { FakeServices, SigningKey, exchangedFor, stalledClient, startEdge, type FakeAnswer, type RunningEdge } from '../testing/edge-harness.js';

const tenantId = randomUUID();
const keyId = randomUUID();
const API_KEY = `gk1.${tenantId}.${keyId}.${'s'.repeat(43)}`;
const CALL_ID = randomUUID();
const SUBJECT = randomUUID();
const PROMPT = 'Écris à camille.canari@exemple-sante.fr, IBAN FR76 3000 6000 0112 3456 7890 189';
const flags = { injection: false, leaked: {}, invented_placeholders: 0 };
const CANCEL = serviceOperations('llm-gateway').cancelStream.subject;

let nats: PrivateNats;
let fakes: FakeServices;
let edge: RunningEdge;
let apiKeyToken: string;
let personToken: string;
let client: OpenAI;

beforeAll(async () => {
  nats = await PrivateNats.start();
  fakes = await FakeServices.start(nats.url);
  const key = await SigningKey.create('key-1');
  apiKeyToken = await key.sign({ sub: keyId, tid: tenantId, kind: 'api_key', roles: ['service'], mfa: false, purposes: ['support'] });
  personToken = await key.sign({ sub: randomUUID(), tid: tenantId, roles: ['developer'] });
  fakes.on(AUTH_OPERATIONS.jwks.subject, () => ({ response: { keys: [key.jwk] } }));
  fakes.on(AUTH_OPERATIONS.exchangeApiKey.subject, (payload) =>
    (payload as { key: string }).key === API_KEY ? { response: { access_token: apiKeyToken, expires_in: 120 } } : { err: { code: 'UNAUTHENTICATED', message: 'unknown key' } },
  );
  // A client that takes nothing of a stream is dropped after 1 s here (a model's stream may otherwise wait 120 s).
  edge = await startEdge(nats.url, { GARDIEN_RATE_LIMIT_MAX: '10000', GARDIEN_STREAM_STALL_MS: '1000' });
  client = new OpenAI({ baseURL: `${edge.url}/v1`, apiKey: API_KEY, maxRetries: 0 });
});

afterAll(async () => {
  await edge?.close();
  await fakes?.close();
  await nats?.dispose();
});

beforeEach(() => fakes.forget());

const answer = (content: string) => ({
  response: { id: CALL_ID, model: 'assistant', created: 1_764_700_000, content, finish_reason: 'stop', usage: { prompt_tokens: 12, completion_tokens: 4 }, flags },
});

const chunk = (value: LlmChatChunk): FakeAnswer => ({ response: value });
const start = chunk({ type: 'start', id: CALL_ID, model: 'assistant', created: 1_764_700_000 });
const end = chunk({ type: 'end', finish_reason: 'stop', usage: { prompt_tokens: 12, completion_tokens: 3 }, flags });
const delta = (content: string) => chunk({ type: 'delta', content });

test('a chat completion: the SDK’s request reaches the gateway translated, under the key’s token for the gateway, and its answer is the SDK’s ChatCompletion', async () => {
  fakes.on(LLM_OPERATIONS.chat.subject, () => answer('Echo: Bonjour'));
  const completion = await client.chat.completions.create({
    model: 'assistant',
    messages: [
      { role: 'developer', content: 'Sois bref.' },
      { role: 'user', content: [{ type: 'text', text: PROMPT }] },
    ],
    max_completion_tokens: 50,
    temperature: 0,
    stop: ['FIN'],
    user: 'end-user-7',
  });
  expect(completion).toEqual({
    id: `chatcmpl-${CALL_ID}`,
    object: 'chat.completion',
    created: 1_764_700_000,
    model: 'assistant',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Echo: Bonjour', refusal: null }, finish_reason: 'stop', logprobs: null }],
    usage: { prompt_tokens: 12, completion_tokens: 4, total_tokens: 16 },
  });
  const [call] = fakes.callsTo(LLM_OPERATIONS.chat.subject);
  expect(call!.payload).toEqual({
    model: 'assistant',
    messages: [
      { role: 'system', content: 'Sois bref.' },
      { role: 'user', content: PROMPT },
    ],
    max_tokens: 50,
    temperature: 0,
    stop: ['FIN'],
  });
  expect(call!.token).toBe(exchangedFor(apiKeyToken, 'llm-gateway'));
});

test('with an access token, the purpose and the subject come from the Gardien headers', async () => {
  fakes.on(LLM_OPERATIONS.chat.subject, () => answer('ok'));
  const person = new OpenAI({ baseURL: `${edge.url}/v1`, apiKey: personToken, maxRetries: 0, defaultHeaders: { 'X-Gardien-Purpose': 'support', 'X-Gardien-Subject': SUBJECT } });
  await person.chat.completions.create({ model: 'assistant', messages: [{ role: 'user', content: 'Bonjour' }] });
  const [call] = fakes.callsTo(LLM_OPERATIONS.chat.subject);
  expect(call).toMatchObject({ payload: { purpose: 'support', subject: SUBJECT }, token: exchangedFor(personToken, 'llm-gateway') });
  const bad = new OpenAI({ baseURL: `${edge.url}/v1`, apiKey: personToken, maxRetries: 0, defaultHeaders: { 'X-Gardien-Purpose': 'Camille Canari' } });
  const refused = await bad.chat.completions.create({ model: 'assistant', messages: [{ role: 'user', content: 'Bonjour' }] }).catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
  expect(refused).toMatchObject({ status: 400, code: 'invalid_gardien_header', param: 'x-gardien-purpose' });
  expect(JSON.stringify((refused as APIError).error)).not.toContain('Camille');
  expect(fakes.callsTo(LLM_OPERATIONS.chat.subject)).toHaveLength(1);
});

test('a stream: the SDK reads the role, the pieces, the finish reason and the usage; the gateway was asked for a stream', async () => {
  fakes.onStream(LLM_OPERATIONS.chatStream.subject, () => [start, delta('Echo: '), delta('Bon'), delta('jour'), end]);
  const stream = await client.chat.completions.create({ model: 'assistant', messages: [{ role: 'user', content: 'Bonjour' }], stream: true, stream_options: { include_usage: true } });
  const chunks: OpenAI.ChatCompletionChunk[] = [];
  for await (const part of stream) chunks.push(part);
  expect(chunks[0]!.choices[0]!.delta).toEqual({ role: 'assistant', content: '' });
  expect(chunks.map((part) => part.choices[0]?.delta.content ?? '').join('')).toBe('Echo: Bonjour');
  expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');
  expect(chunks.at(-1)).toMatchObject({ id: `chatcmpl-${CALL_ID}`, object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 } });
  expect(fakes.callsTo(LLM_OPERATIONS.chatStream.subject).map((call) => call.payload)).toEqual([{ model: 'assistant', messages: [{ role: 'user', content: 'Bonjour' }] }]);
  expect(fakes.callsTo(LLM_OPERATIONS.chat.subject)).toEqual([]);
});

test('the raw stream is data lines and [DONE]; without include_usage there is no usage chunk', async () => {
  fakes.onStream(LLM_OPERATIONS.chatStream.subject, () => [start, delta('Echo'), end]);
  const response = await fetch(`${edge.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'assistant', messages: [{ role: 'user', content: 'x' }], stream: true }),
  });
  expect([response.status, response.headers.get('content-type'), response.headers.get('cache-control')]).toEqual([200, 'text/event-stream; charset=utf-8', 'no-store']);
  const events = (await response.text()).split('\n\n').filter(Boolean);
  expect(events.at(-1)).toBe('data: [DONE]');
  expect(events.slice(0, -1).map((event) => (JSON.parse(event.slice('data: '.length)) as { choices: unknown[] }).choices.length)).toEqual([1, 1, 1]);
});

test('errors: one before the first chunk is an HTTP error the SDK raises as its class (429 with Retry-After); one after it a data line the SDK throws', async () => {
  fakes.onStream(LLM_OPERATIONS.chatStream.subject, () => [{ err: { code: 'RATE_LIMITED', reason: 'quota_exceeded', message: 'quota exceeded', retryAfterSeconds: 17 } }]);
  const limited = await client.chat.completions.create({ model: 'assistant', messages: [{ role: 'user', content: 'x' }], stream: true }).catch((error: unknown) => error);
  expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
  expect(limited).toMatchObject({ status: 429, code: 'quota_exceeded', type: 'rate_limit_error' });
  expect((limited as APIError).headers?.get('retry-after')).toBe('17');

  fakes.onStream(LLM_OPERATIONS.chatStream.subject, () => [start, delta('Echo'), { err: { code: 'UNAVAILABLE', reason: 'runtime_unavailable', message: 'the model runtime is unavailable' } }]);
  const stream = await client.chat.completions.create({ model: 'assistant', messages: [{ role: 'user', content: 'x' }], stream: true });
  const texts: string[] = [];
  const thrown = await (async () => {
    for await (const part of stream) texts.push(part.choices[0]?.delta.content ?? '');
  })().catch((error: unknown) => error);
  expect(texts.join('')).toBe('Echo');
  expect(thrown).toBeInstanceOf(OpenAI.APIError);
  expect((thrown as APIError).error).toMatchObject({ type: 'server_error', code: 'runtime_unavailable' });
});

test.each([
  ['NOT_FOUND', 'model_not_found', OpenAI.NotFoundError, 404],
  ['FORBIDDEN', 'model_not_allowed', OpenAI.PermissionDeniedError, 403],
  // As OpenAI answers it: a 400, which SDKs and frameworks branch on.
  ['PAYLOAD_TOO_LARGE', 'context_length_exceeded', OpenAI.BadRequestError, 400],
])('the gateway’s %s %s is the SDK’s %p', async (code, reason, errorClass, status) => {
  fakes.on(LLM_OPERATIONS.chat.subject, () => ({ err: { code: code as 'NOT_FOUND', reason, message: 'refused' } }));
  const error = await client.chat.completions.create({ model: 'assistant', messages: [{ role: 'user', content: 'x' }] }).catch((thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(errorClass);
  expect(error).toMatchObject({ status, code: reason });
});

test('what Gardien does not serve is refused before any bus call, by name', async () => {
  const tools: OpenAI.ChatCompletionTool[] = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }];
  const refusals = [
    client.chat.completions.create({ model: 'assistant', messages: [{ role: 'user', content: 'x' }], tools }),
    client.chat.completions.create({ model: 'assistant', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] }] }),
    client.chat.completions.create({ model: 'assistant', messages: [{ role: 'tool', content: 'x', tool_call_id: 'c1' }] }),
    client.chat.completions.create({ model: 'assistant', messages: [{ role: 'user', content: 'x' }], n: 3 }),
    client.embeddings.create({ model: 'assistant', input: [1, 2, 3] }),
  ];
  const errors = await Promise.all(refusals.map((call) => (call as Promise<unknown>).catch((error: unknown) => error)));
  expect(errors.map((error) => [error instanceof OpenAI.BadRequestError, (error as APIError).code, (error as APIError).param])).toEqual([
    [true, 'unsupported_parameter', 'tools'],
    [true, 'unsupported_content', 'messages'],
    [true, 'unsupported_role', 'messages'],
    [true, 'unsupported_parameter', 'n'],
    [true, 'unsupported_content', 'input'],
  ]);
  expect(fakes.operationCalls()).toEqual([]);
});

test('embeddings: the SDK’s default base64 decodes to the float32 of the gateway’s vectors; floats when asked', async () => {
  const vectors = [
    [0.1, -0.2, 0.3],
    [1, 0.5, -1],
  ];
  fakes.on(LLM_OPERATIONS.embeddings.subject, () => ({ response: { model: 'assistant', embeddings: vectors, usage: { prompt_tokens: 6 } } }));
  const decoded = await client.embeddings.create({ model: 'assistant', input: ['un', 'deux'] });
  expect(decoded.data.map((item) => Array.from(item.embedding))).toEqual(vectors.map((vector) => vector.map(Math.fround)));
  expect(decoded).toMatchObject({ object: 'list', model: 'assistant', usage: { prompt_tokens: 6, total_tokens: 6 } });
  const floats = await client.embeddings.create({ model: 'assistant', input: 'un', encoding_format: 'float' });
  expect(floats.data.map((item) => item.embedding)).toEqual(vectors);
  expect(fakes.callsTo(LLM_OPERATIONS.embeddings.subject).map((call) => call.payload)).toEqual([
    { model: 'assistant', input: ['un', 'deux'] },
    { model: 'assistant', input: ['un'] },
  ]);
});

async function untilCancelled(before: number): Promise<number> {
  const started = Date.now();
  while (fakes.callsTo(CANCEL).length === before && Date.now() - started < 5_000) await new Promise((resolve) => setTimeout(resolve, 10));
  return Date.now() - started;
}

test('a client that leaves the stream (the SDK’s for-await left early) has the gateway told to stop at once, under the same token', async () => {
  fakes.onStream(LLM_OPERATIONS.chatStream.subject, () => ({ replies: [start, delta('Echo'), delta(' un')], keepOpen: true }));
  const before = fakes.callsTo(CANCEL).length;
  const stream = await client.chat.completions.create({ model: 'assistant', messages: [{ role: 'user', content: 'x' }], stream: true });
  let seen = 0;
  for await (const part of stream) if (part.object === 'chat.completion.chunk' && ++seen === 2) break;
  expect(await untilCancelled(before)).toBeLessThan(1_000);
  expect(fakes.callsTo(CANCEL).at(-1)!.token).toBe(fakes.callsTo(LLM_OPERATIONS.chatStream.subject).at(-1)!.token);
});

test('a client that leaves a chat completion or embeddings answered once has the gateway told to stop that call at once, by the id it carried, under the same token', async () => {
  // The gateway works on and on: only the client's leaving ends the call.
  fakes.on(LLM_OPERATIONS.chat.subject, () => undefined);
  fakes.on(LLM_OPERATIONS.embeddings.subject, () => undefined);
  const asks = [
    [LLM_OPERATIONS.chat.subject, (signal: AbortSignal) => client.chat.completions.create({ model: 'assistant', messages: [{ role: 'user', content: 'x' }] }, { signal })],
    [LLM_OPERATIONS.embeddings.subject, (signal: AbortSignal) => client.embeddings.create({ model: 'assistant', input: 'x' }, { signal })],
  ] as const;
  for (const [subject, ask] of asks) {
    const before = fakes.callsTo(CANCEL).length;
    const controller = new AbortController();
    const asked = ask(controller.signal).catch((error: unknown) => error);
    for (let i = 0; i < 250 && fakes.callsTo(subject).length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    expect(await asked).toBeInstanceOf(OpenAI.APIUserAbortError);
    expect(await untilCancelled(before)).toBeLessThan(1_000);
    const call = fakes.callsTo(subject).at(-1)!;
    expect(call.streamId).toMatch(/^[0-9a-f-]{36}$/);
    expect(fakes.callsTo(CANCEL).at(-1)).toMatchObject({ payload: { stream_id: call.streamId }, token: call.token });
  }
});

test('a client that stops reading is not buffered for: the edge drops it and has the gateway told to stop', async () => {
  const piece = 'x'.repeat(8_000);
  fakes.onStream(LLM_OPERATIONS.chatStream.subject, () => ({ replies: [start, ...Array.from({ length: 3_000 }, () => delta(piece))], keepOpen: true }));
  const before = fakes.callsTo(CANCEL).length;
  const body = JSON.stringify({ model: 'assistant', messages: [{ role: 'user', content: 'x' }], stream: true });
  const request = `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${API_KEY}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  const { mostBuffered, dropped } = await stalledClient(edge, request, () => fakes.callsTo(CANCEL).length > before);
  expect(fakes.callsTo(CANCEL).length).toBe(before + 1);
  expect(mostBuffered).toBeLessThan(256 * 1024);
  expect(dropped).toBe(true);
}, 20_000);

test('GET /v1/models needs a credential; a bad key is the SDK’s AuthenticationError', async () => {
  const bad = new OpenAI({ baseURL: `${edge.url}/v1`, apiKey: 'gk1.not-a-key', maxRetries: 0 });
  await expect(bad.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  await expect(bad.chat.completions.create({ model: 'assistant', messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  expect(fakes.operationCalls().filter((call) => call.subject !== AUTH_OPERATIONS.exchangeApiKey.subject)).toEqual([]);
});

test('the edge logged nothing of the prompts', () => {
  const log = edge.logLines.join('');
  expect(edge.logLines.length).toBeGreaterThan(5);
  for (const secret of ['camille', 'FR76', 'Bonjour', API_KEY]) expect(log).not.toContain(secret);
});
