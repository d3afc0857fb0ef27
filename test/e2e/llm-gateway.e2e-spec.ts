// The model gateway with every service running as processes and a model runtime that speaks
// Ollama's API (ModelRuntimeServer: it echoes the last user message and records every request),
// called the way applications call it: with the official `openai` SDK, unchanged but for its base
// URL and the tenant's API key, and on Gardien's own routes. A tenant admin allows the catalogue's
// model and declares a purpose; a key for that purpose chats (once and streamed), embeds and lists
// models. Identifiers in the prompt (an email, an IBAN, a French phone, and the suite's canaries)
// never reach the runtime and come back restored; a client that leaves a stream, or a call
// answered once, stops the generation (and gives back its in-flight place); unknown and unallowed
// models, a used-up quota and a bad key are the SDK's error classes; top_p and stop reach the
// runtime (stop pseudonymised); a key is refused from its expiry on and within 5 s of its revocation. Every call is audited (model.chat, model.embeddings) and no
// entry, log line or database holds any of the identifiers.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import {
  ADMIN_URL,
  DEFAULT_SERVED_MODEL,
  ModelRuntimeServer,
  PlatformProcesses,
  PrivateNats,
  dropTestDatabases,
  dumpLeaks,
  embeddingOf,
  findLeaks,
  leakForms,
  loggedAuditRows,
  personalDataShapes,
  suiteCanaries,
  testDatabasePrefix,
} from '@gardien/testing';
import { EdgeClient, bootstrapTenantA, freshTotp, someClientAddress, totpSecretOf, type HttpAnswer } from './identity-support.js';

const prefix = testDatabasePrefix();
const PASSWORD = 'a passphrase long enough to pass';
const PURPOSE = 'assistance';
const canaries = suiteCanaries();
const usedCodes = new Set<string>();
const dir = mkdtempSync(join(tmpdir(), 'gardien-llm-e2e-'));

/** Identifiers the PII engine finds (valid check digits and numbering plans): none may reach the runtime. */
const IDENTIFIERS = { email: 'jeanne.martin@cabinet-exemple.fr', iban: 'FR76 3000 6000 0112 3456 7890 189', phone: '06 12 34 56 78' };
/** What must reach the runtime as placeholders: the identifiers above and the suite's email and phone canaries. */
const NEVER_TO_RUNTIME = [IDENTIFIERS.email, IDENTIFIERS.iban, IDENTIFIERS.phone, canaries.email, canaries.phone];
const PROMPT =
  `Bonjour, pouvez-vous confirmer le rendez-vous avec ${IDENTIFIERS.email} ? Son téléphone est le ${IDENTIFIERS.phone}, ` +
  `le virement part de ${IDENTIFIERS.iban}. En copie : ${canaries.email}, ${canaries.phone}, ${canaries.name}, ${canaries.iban}.`;

let nats: PrivateNats;
let runtime: ModelRuntimeServer;
let platform: PlatformProcesses;
let edge: EdgeClient;
let tenantA = '';
let adminToken = '';
let developerToken = '';
let apiKey = '';
let apiKeyId = '';
let client: OpenAI;

function ok(answer: HttpAnswer, status: number): HttpAnswer {
  if (answer.status !== status) throw new Error(`expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer;
}

const api = (method: string, path: string, token: string, body?: unknown) =>
  edge.call(method, `/api/v1${path}`, { token, headers: { 'x-forwarded-for': someClientAddress() }, ...(body !== undefined ? { body } : {}) });

async function logIn(email: string, tenant: string, totpSecret?: string): Promise<string> {
  const body = { email, password: PASSWORD, tenant, ...(totpSecret ? { totp: await freshTotp(totpSecret, usedCodes) } : {}) };
  return ok(await edge.call('POST', '/api/v1/auth/login', { body, headers: { 'x-forwarded-for': someClientAddress() } }), 200).body.access_token;
}

/** Which of `values` a text holds, in any of their forms (as written, without spaces, JSON-escaped...). */
function heldIn(text: string, values: readonly string[]): string[] {
  return values.filter((value) => leakForms(value).some((form) => text.includes(form)));
}

/** That `error` is the SDK's `errorClass` with this status and code. */
function expectSdkError(error: unknown, errorClass: abstract new (...args: never[]) => Error, fields: { status: number; code?: string; param?: string }): void {
  expect(error).toBeInstanceOf(errorClass);
  expect(error).toMatchObject(fields);
}

/** Everything the runtime received since `from` (its request index). */
const receivedSince = (from: number) => runtime.requests.slice(from).map((request) => request.rawBody).join('\n');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
/** GET /v1/models with `key`: what an application sees of its key. */
const modelsWith = (key: string) => edge.call('GET', '/v1/models', { apiKey: key, headers: { 'x-forwarded-for': someClientAddress() } });

beforeAll(async () => {
  nats = await PrivateNats.start();
  runtime = new ModelRuntimeServer();
  await runtime.start();
  // The catalogue: the model the tenant allows, and one it does not (served by the same runtime).
  const modelsFile = join(dir, 'models.json');
  const model = { runtime: 'ollama', name: DEFAULT_SERVED_MODEL.name, sha256: DEFAULT_SERVED_MODEL.digest, context_length: 8_192 };
  writeFileSync(
    modelsFile,
    JSON.stringify({ models: [{ id: 'assistant', ...model, capabilities: ['chat', 'embeddings'], description: 'Assistant de test' }, { id: 'other', ...model, capabilities: ['chat'] }] }),
  );
  platform = await PlatformProcesses.start({
    databasePrefix: prefix,
    natsUrl: nats.url,
    env: { GARDIEN_TRUSTED_PROXIES: '127.0.0.1' },
    serviceEnv: { 'llm-gateway': { GARDIEN_MODELS_FILE: modelsFile, GARDIEN_LLM_RUNTIME: 'ollama', GARDIEN_OLLAMA_URL: runtime.url } },
  });
  edge = new EdgeClient(platform.edgeUrl);
  const result = await bootstrapTenantA(nats.url, PASSWORD);
  tenantA = result.tenant!.id;
  adminToken = await logIn('admin@a.example', 'tenant-a', totpSecretOf(result.tenant!.admin.totp_uri));
  ok(await api('PATCH', `/tenants/${tenantA}/settings`, adminToken, { allowed_models: ['assistant'] }), 200);
  ok(await api('POST', '/purposes', adminToken, { id: PURPOSE, name: 'Assistance', legal_basis: 'contract' }), 201);
  const key = ok(await api('POST', '/api-keys', adminToken, { name: 'openai-sdk', purpose: PURPOSE }), 201).body;
  apiKey = key.key;
  apiKeyId = key.id;
  ok(await api('POST', '/users', adminToken, { email: 'developer@a.example', password: PASSWORD, roles: ['developer'] }), 201);
  developerToken = await logIn('developer@a.example', 'tenant-a');
  client = new OpenAI({ baseURL: `${platform.edgeUrl}/v1`, apiKey });
}, 120_000);

afterAll(async () => {
  await platform?.dispose();
  await runtime?.stop();
  await nats?.dispose();
  await dropTestDatabases(prefix);
  rmSync(dir, { recursive: true, force: true });
});

test('models.list: the model the key may call, of the catalogue and allowed by the tenant; not the other', async () => {
  const models = await client.models.list();
  expect(models.data).toEqual([{ id: 'assistant', object: 'model', created: 0, owned_by: 'gardien', description: 'Assistant de test' }]);
});

test('a chat completion: the answer is the echo with the identifiers restored, and the runtime received none of them', async () => {
  const from = runtime.requests.length;
  const completion = await client.chat.completions.create({
    model: 'assistant',
    messages: [
      { role: 'developer', content: 'Réponds en français.' },
      { role: 'user', content: PROMPT },
    ],
  });
  expect(completion).toMatchObject({ object: 'chat.completion', model: 'assistant', id: expect.stringMatching(/^chatcmpl-[0-9a-f-]{36}$/) });
  expect(completion.choices).toEqual([{ index: 0, message: { role: 'assistant', content: `Echo: ${PROMPT}`, refusal: null }, finish_reason: 'stop', logprobs: null }]);
  expect(completion.usage).toEqual({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number), total_tokens: completion.usage!.prompt_tokens + completion.usage!.completion_tokens });
  const received = receivedSince(from);
  // The positive control: the prompt did reach the runtime, its identifiers as placeholders.
  expect(received).toMatch(/<EMAIL_1>.*<PHONE_1>.*<IBAN_1>/s);
  expect(heldIn(received, NEVER_TO_RUNTIME)).toEqual([]);
});

test('top_p and stop reach the runtime; a stop naming an identifier of the prompt reaches it as that placeholder, and the answer ends there', async () => {
  const from = runtime.requests.length;
  const completion = await client.chat.completions.create({
    model: 'assistant',
    messages: [{ role: 'user', content: `Écrire à ${IDENTIFIERS.email} demain.` }],
    top_p: 0.7,
    stop: IDENTIFIERS.email,
  });
  // The echo, "Echo: Écrire à <EMAIL_1> demain.", ended by the runtime where the model wrote the placeholder.
  expect(completion.choices[0]).toMatchObject({ message: { content: 'Echo: Écrire à ' }, finish_reason: 'stop' });
  const received = runtime.requests.slice(from);
  expect(received).toHaveLength(1);
  expect(received[0]!.body).toMatchObject({ options: { top_p: 0.7, stop: ['<EMAIL_1>'] } });
  expect(heldIn(receivedSince(from), NEVER_TO_RUNTIME)).toEqual([]);
});

test('a streamed chat: the chunks read by the SDK make the same restored echo, then the usage; the runtime received none of the identifiers', async () => {
  const from = runtime.requests.length;
  const stream = await client.chat.completions.create({ model: 'assistant', messages: [{ role: 'user', content: PROMPT }], stream: true, stream_options: { include_usage: true } });
  const chunks: OpenAI.ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
  expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(`Echo: ${PROMPT}`);
  expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');
  expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) } });
  // The gateway checks the runtime's models every minute (/api/tags): chats only.
  const chats = runtime.requests.slice(from).filter((request) => request.path === '/api/chat');
  expect(chats.map((request) => (request.body as { stream?: boolean }).stream)).toEqual([true]);
  expect(heldIn(receivedSince(from), NEVER_TO_RUNTIME)).toEqual([]);
});

test('embeddings: the SDK’s default base64 decodes to the runtime’s vectors; a text with identifiers is embedded pseudonymised', async () => {
  const from = runtime.requests.length;
  const answer = await client.embeddings.create({ model: 'assistant', input: ['Bonjour le monde', `Contact : ${IDENTIFIERS.email}`] });
  expect(answer).toMatchObject({ object: 'list', model: 'assistant', usage: { prompt_tokens: expect.any(Number), total_tokens: expect.any(Number) } });
  expect(answer.data.map((item) => item.index)).toEqual([0, 1]);
  expect(Array.from(answer.data[0]!.embedding)).toEqual(embeddingOf('Bonjour le monde').map(Math.fround));
  expect(Array.from(answer.data[1]!.embedding)).toEqual(embeddingOf('Contact : <EMAIL_1>').map(Math.fround));
  expect(heldIn(receivedSince(from), NEVER_TO_RUNTIME)).toEqual([]);
});

test('a stream the client leaves (the for-await left after 2 chunks) stops the generation within about a second', async () => {
  runtime.behave({ tokenIntervalMs: 100 });
  try {
    const long = Array.from({ length: 150 }, (_, i) => `mot${i}`).join(' ');
    const stream = await client.chat.completions.create({ model: 'assistant', messages: [{ role: 'user', content: long }], stream: true });
    let seen = 0;
    let left = 0;
    for await (const chunk of stream) {
      if (chunk.object === 'chat.completion.chunk' && ++seen === 2) {
        left = Date.now();
        break;
      }
    }
    const aborted = await runtime.waitForAbort(5_000);
    expect(aborted.abortedAt! - left).toBeLessThan(1_000);
    expect(aborted.tokens).toBeLessThan(100);
  } finally {
    runtime.behave({});
  }
});

/** Until the runtime is generating `count` answers begun since generation `from`. */
async function untilGenerating(from: number, count: number): Promise<void> {
  const started = Date.now();
  while (runtime.generations.slice(from).filter((generation) => generation.state === 'running').length < count) {
    if (Date.now() - started > 10_000) throw new Error(`the runtime was not generating ${count} answers within 10 s`);
    await sleep(20);
  }
}

/** The next `count` generations the runtime saw abandoned, each within 1 s of `left`. */
async function abortsWithinASecondOf(left: number, count: number): Promise<number[]> {
  const delays: number[] = [];
  for (let i = 0; i < count; i++) delays.push((await runtime.waitForAbort(5_000)).abortedAt! - left);
  return delays;
}

// The newcomer's hostile test: before, a call answered once kept generating to its end after its
// client left, and kept its tenant's in-flight place (16 per replica) that long.
test('non-streamed chat completions whose clients leave stop generating within about a second and give back their in-flight places: 16 left at once, then a call passes', async () => {
  runtime.behave({ tokenIntervalMs: 300 });
  const fromGeneration = runtime.generations.length;
  const controllers = Array.from({ length: 16 }, () => new AbortController());
  let calls: Array<Promise<unknown>> = [];
  try {
    const long = Array.from({ length: 40 }, (_, i) => `mot${i}`).join(' ');
    calls = controllers.map((controller) =>
      client.chat.completions
        .create({ model: 'assistant', messages: [{ role: 'user', content: long }] }, { signal: controller.signal, maxRetries: 0, headers: { 'x-forwarded-for': someClientAddress() } })
        .catch((error: unknown) => error),
    );
    await untilGenerating(fromGeneration, 16);
    const left = Date.now();
    for (const controller of controllers) controller.abort();
    const delays = await abortsWithinASecondOf(left, 16);
    expect(delays.filter((delay) => delay >= 1_000)).toEqual([]);
    expect(runtime.generations.slice(fromGeneration).map((generation) => generation.state)).toEqual(Array.from({ length: 16 }, () => 'aborted'));
  } finally {
    runtime.behave({});
    await Promise.all(calls);
  }
  // Every place is back (before, this was 429 too_many_calls until the generations ended).
  const after = await client.chat.completions.create({ model: 'assistant', messages: [{ role: 'user', content: 'Bonjour' }] }, { maxRetries: 0, headers: { 'x-forwarded-for': someClientAddress() } });
  expect(after.choices[0]!.message.content).toBe('Echo: Bonjour');
}, 30_000);

test('a chat on /api/v1/llm/chat whose client leaves stops generating within about a second; the call is audited as cancelled, not streamed', async () => {
  runtime.behave({ tokenIntervalMs: 300 });
  const fromGeneration = runtime.generations.length;
  const controller = new AbortController();
  let call: Promise<unknown> = Promise.resolve();
  try {
    const chat = { model: 'assistant', messages: [{ role: 'user', content: Array.from({ length: 40 }, (_, i) => `mot${i}`).join(' ') }], purpose: PURPOSE };
    call = fetch(`${platform.edgeUrl}/api/v1/llm/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${developerToken}`, 'content-type': 'application/json', 'x-forwarded-for': someClientAddress() },
      body: JSON.stringify(chat),
      signal: controller.signal,
    }).catch((error: unknown) => error);
    await untilGenerating(fromGeneration, 1);
    const left = Date.now();
    controller.abort();
    expect((await abortsWithinASecondOf(left, 1))[0]).toBeLessThan(1_000);
  } finally {
    runtime.behave({});
    await call;
  }
  const started = Date.now();
  const cancelledOnce = async () =>
    (await loggedAuditRows(prefix, ADMIN_URL))
      .filter((row) => row.tenantId === tenantA && row.action === 'model.chat')
      .map((row) => JSON.parse(row.text) as { actor: { type: string }; metadata: Record<string, unknown> })
      .filter((entry) => entry.actor.type === 'user' && entry.metadata.decision === 'cancelled');
  let entries = await cancelledOnce();
  while (entries.length === 0 && Date.now() - started < 15_000) {
    await sleep(250);
    entries = await cancelledOnce();
  }
  expect(entries).toHaveLength(1);
  expect(entries[0]!.metadata).toMatchObject({ decision: 'cancelled', streamed: false, promptTokens: expect.any(Number), completionTokens: 0 });
}, 30_000);

test('refusals are the SDK’s error classes: an unknown model, a model the tenant does not allow, a bad key, a tool', async () => {
  const ask = (model: string, sdk = client) => sdk.chat.completions.create({ model, messages: [{ role: 'user', content: 'Bonjour' }] }).catch((error: unknown) => error);
  expectSdkError(await ask('no-such-model'), OpenAI.NotFoundError, { status: 404, code: 'model_not_found' });
  expectSdkError(await ask('other'), OpenAI.PermissionDeniedError, { status: 403, code: 'model_not_allowed' });
  const forged = new OpenAI({ baseURL: `${platform.edgeUrl}/v1`, apiKey: `${apiKey.slice(0, -4)}AAAA` });
  expectSdkError(await ask('assistant', forged), OpenAI.AuthenticationError, { status: 401 });
  const tool = await client.chat.completions
    .create({ model: 'assistant', messages: [{ role: 'user', content: 'Bonjour' }], tools: [{ type: 'function', function: { name: 'lookup' } }] })
    .catch((error: unknown) => error);
  expectSdkError(tool, OpenAI.BadRequestError, { status: 400, code: 'unsupported_parameter', param: 'tools' });
});

test('a key is refused from its expiry on, though it was used a moment before (no token of it outlives it)', async () => {
  const expiresAt = Date.now() + 8_000;
  const { key } = ok(await api('POST', '/api-keys', adminToken, { name: 'short-lived', purpose: PURPOSE, expires_at: new Date(expiresAt).toISOString() }), 201).body;
  ok(await modelsWith(key), 200);
  // Its last 3 s are refused already (auth's MIN_API_KEY_TOKEN_SECONDS); 4 s before, it still calls.
  await sleep(expiresAt - 4_000 - Date.now());
  ok(await modelsWith(key), 200);
  await sleep(expiresAt + 50 - Date.now());
  const refused = await modelsWith(key);
  expect(refused.status).toBe(401);
  expect(refused.body.error).toMatchObject({ code: 'credentials_required' });
});

test('a revoked key is refused within 5 s, the longest the edge keeps what it was exchanged for', async () => {
  const created = ok(await api('POST', '/api-keys', adminToken, { name: 'to-revoke', purpose: PURPOSE }), 201).body;
  ok(await modelsWith(created.key), 200);
  ok(await api('DELETE', `/api-keys/${created.id}`, adminToken), 204);
  const revokedAt = Date.now();
  let answer = await modelsWith(created.key);
  while (answer.status === 200 && Date.now() - revokedAt < 15_000) {
    await sleep(250);
    answer = await modelsWith(created.key);
  }
  expect(answer.status).toBe(401);
  expect(Date.now() - revokedAt).toBeLessThanOrEqual(5_500);
}, 30_000);

test('Gardien’s own routes: a developer chats (once, streamed, on GraphQL) naming the purpose; an administrator, who calls no model, is refused; usage is the admin’s', async () => {
  const chat = { model: 'assistant', messages: [{ role: 'user', content: `Écrire à ${canaries.email}` }], purpose: PURPOSE };
  const once = ok(await api('POST', '/llm/chat', developerToken, chat), 200).body;
  expect(once).toMatchObject({ model: 'assistant', content: `Echo: Écrire à ${canaries.email}`, finish_reason: 'stop', flags: { injection: false, invented_placeholders: 0 } });
  const streamed = await fetch(`${platform.edgeUrl}/api/v1/llm/chat/stream`, { method: 'POST', headers: { authorization: `Bearer ${developerToken}`, 'content-type': 'application/json' }, body: JSON.stringify(chat) });
  expect([streamed.status, streamed.headers.get('content-type')]).toEqual([200, 'text/event-stream; charset=utf-8']);
  const events = (await streamed.text()).split('\n\n').filter(Boolean);
  const messages = events.filter((event) => event.startsWith('data: {"type"')).map((event) => JSON.parse(event.slice('data: '.length)) as { type: string; content?: string });
  expect(messages[0]!.type).toBe('start');
  expect(messages.at(-1)!.type).toBe('end');
  expect(messages.flatMap((message) => (message.type === 'delta' ? [message.content] : [])).join('')).toBe(`Echo: Écrire à ${canaries.email}`);
  expect(events.at(-1)).toBe('event: end\ndata: {}');
  const graphql = await edge.graphql(`mutation { llmChat(model: "assistant", messages: [{ role: user, content: "Bonjour" }], purpose: "${PURPOSE}") { content usage { prompt_tokens } } }`, {}, developerToken);
  expect(graphql.body).toEqual({ data: { llmChat: { content: 'Echo: Bonjour', usage: { prompt_tokens: expect.any(Number) } } } });
  expect(ok(await api('GET', '/llm/models', developerToken), 200).body.models.map((model: { id: string }) => model.id)).toEqual(['assistant']);
  // A person names the purpose; without one the call is refused.
  expect((await api('POST', '/llm/chat', developerToken, { ...chat, purpose: undefined })).body).toMatchObject({ status: 400, reason: 'purpose_required' });
  expect((await api('POST', '/llm/chat', adminToken, chat)).body).toMatchObject({ status: 403, reason: 'action_not_allowed' });

  const today = new Date().toISOString().slice(0, 10);
  const { rows } = ok(await api('GET', `/usage?from=${today}&to=${today}`, adminToken), 200).body as { rows: Array<{ model: string; api_key_id: string | null; requests: number; prompt_tokens: number }> };
  const byKey = rows.find((row) => row.model === 'assistant' && row.api_key_id === apiKeyId);
  const bySession = rows.find((row) => row.model === 'assistant' && row.api_key_id === null);
  // The key's chats (one with a stop sequence), its embeddings, its left stream, its 16 left chats and the one after them; the developer's left chat and three calls.
  expect(byKey).toMatchObject({ day: today, requests: 22, prompt_tokens: expect.any(Number) });
  expect(bySession).toMatchObject({ day: today, requests: 4 });
  expect((await api('GET', `/usage?from=${today}&to=${today}`, developerToken)).status).toBe(403);
});

test('a call that asks for more tokens than a quota allows in a whole window is the SDK’s BadRequestError (call_over_quota), without Retry-After: it could never pass', async () => {
  ok(await api('PATCH', `/tenants/${tenantA}/settings`, adminToken, { quotas: { api_key: { tokens_per_minute: 1 } } }), 200);
  // The gateway keeps a tenant's policy for 5 s.
  await new Promise((resolve) => setTimeout(resolve, 5_500));
  const error = await client.chat.completions.create({ model: 'assistant', messages: [{ role: 'user', content: 'Bonjour' }] }, { maxRetries: 0 }).catch((thrown: unknown) => thrown);
  expectSdkError(error, OpenAI.BadRequestError, { status: 400, code: 'call_over_quota' });
  expect((error as InstanceType<typeof OpenAI.BadRequestError>).headers?.get('retry-after')).toBeFalsy();
}, 30_000);

test('every call is audited in the tenant’s log (model.chat, model.embeddings), answered or refused, with none of the identifiers', async () => {
  const started = Date.now();
  let rows = await loggedAuditRows(prefix, ADMIN_URL);
  const modelRows = () => rows.filter((row) => row.tenantId === tenantA && row.action.startsWith('model.'));
  // The key's 22 answered or cancelled calls and 3 refused (an unknown model, one not allowed, the quota); the developer's 4 answered or cancelled and 1 refused; the administrator's 1.
  while (modelRows().length < 31 && Date.now() - started < 30_000) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    rows = await loggedAuditRows(prefix, ADMIN_URL);
  }
  const entries = modelRows().map((row) => JSON.parse(row.text) as { action: string; outcome: string; metadata: Record<string, unknown> });
  expect(new Set(entries.map((entry) => entry.action))).toEqual(new Set(['model.chat', 'model.embeddings']));
  expect(new Set(entries.map((entry) => entry.outcome))).toEqual(new Set(['success', 'denied']));
  expect(entries).toHaveLength(31);
  // Identifiers replaced are counted by type, never written.
  expect(entries.some((entry) => Number(entry.metadata.replacedEmail) >= 2 && Number(entry.metadata.replacedIban) >= 1 && Number(entry.metadata.replacedPhone) >= 2)).toBe(true);
  const text = modelRows().map((row) => row.text).join('\n');
  expect(heldIn(text, [...Object.values(IDENTIFIERS), PROMPT.slice(0, 30)])).toEqual([]);
  expect(findLeaks(text, canaries)).toEqual([]);
  expect(personalDataShapes(text)).toEqual([]);
});

test('no identifier of the prompts in any process’s output, nor in any database', async () => {
  const output = platform.allOutput();
  expect(output.length).toBeGreaterThan(1_000);
  expect(heldIn(output, Object.values(IDENTIFIERS))).toEqual([]);
  expect(findLeaks(output, canaries)).toEqual([]);
  const { leaks } = await dumpLeaks(prefix, canaries);
  expect(leaks).toEqual([]);
});
