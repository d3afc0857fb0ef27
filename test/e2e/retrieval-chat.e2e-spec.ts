// Retrieval-augmented chat with every service running as processes, as a tenant's user does it: a
// document holding identifiers is ingested (POST /api/v1/documents: embedded through the gateway,
// stored sealed), then a question retrieves it through /v1/chat/completions (the OpenAI SDK, the
// `retrieval` field as its extra body) and through /api/v1/llm/chat. The model runtime (a test
// server speaking Ollama's API, which echoes the last user message and records every request)
// receives neither the identifiers of the question nor those of the retrieved chunk, in the chat or
// in the embeddings; the answer comes back re-identified with the ids of the chunks used.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { ModelRuntimeServer, servedAssistantEnv, PlatformProcesses, PrivateNats, dropTestDatabases, leakForms, testDatabasePrefix, waitFor } from '@gardien/testing';
import { EdgeClient, bootstrapTenantA, freshTotp, someClientAddress, totpSecretOf, type HttpAnswer } from './identity-support.js';

const prefix = testDatabasePrefix();
const PASSWORD = 'a passphrase long enough to pass';
const PURPOSE = 'assistance';
const COLLECTION = 'dossiers';
const usedCodes = new Set<string>();
const dir = mkdtempSync(join(tmpdir(), 'gardien-retrieval-e2e-'));

/** In the document: identifiers the PII engine finds. In the question: another one, and one of the document's. */
const DOCUMENT = { email: 'jeanne.martin@cabinet-exemple.fr', iban: 'FR76 3000 6000 0112 3456 7890 189', phone: '06 12 34 56 78' };
const QUESTION_EMAIL = 'paul.durand@exemple-sante.fr';
const TEXT = `Dossier 2024-117. La cliente écrit depuis ${DOCUMENT.email} et se joint au ${DOCUMENT.phone}. Son remboursement part sur l'IBAN ${DOCUMENT.iban}.`;
const QUESTION = `Sur quel IBAN rembourser la cliente de ${DOCUMENT.email} ? Répondre en copie à ${QUESTION_EMAIL}.`;
const NEVER_TO_RUNTIME = [...Object.values(DOCUMENT), QUESTION_EMAIL];

let nats: PrivateNats;
let runtime: ModelRuntimeServer;
let platform: PlatformProcesses;
let edge: EdgeClient;
let userToken = '';
let documentId = '';

function ok(answer: HttpAnswer, status: number): HttpAnswer {
  if (answer.status !== status) throw new Error(`expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer;
}

const api = (method: string, path: string, token: string, body?: unknown) =>
  edge.call(method, `/api/v1${path}`, { token, headers: { 'x-forwarded-for': someClientAddress() }, ...(body !== undefined ? { body } : {}) });

async function logIn(email: string, totpSecret?: string): Promise<string> {
  const body = { email, password: PASSWORD, tenant: 'tenant-a', ...(totpSecret ? { totp: await freshTotp(totpSecret, usedCodes) } : {}) };
  return ok(await edge.call('POST', '/api/v1/auth/login', { body, headers: { 'x-forwarded-for': someClientAddress() } }), 200).body.access_token as string;
}

/** Which of the identifiers a text holds, in any of their forms (as written, without spaces, JSON-escaped...). */
const heldIn = (text: string) => NEVER_TO_RUNTIME.filter((value) => leakForms(value).some((form) => text.includes(form)));
const receivedSince = (from: number) => runtime.requests.slice(from).map((request) => request.rawBody).join('\n');

beforeAll(async () => {
  nats = await PrivateNats.start();
  runtime = new ModelRuntimeServer({ dimensions: 16 });
  await runtime.start();
  const collectionsFile = join(dir, 'collections.json');
  writeFileSync(collectionsFile, JSON.stringify({ collections: [{ id: COLLECTION, model: 'assistant', dimensions: 16 }] }));
  platform = await PlatformProcesses.start({
    databasePrefix: prefix,
    natsUrl: nats.url,
    env: { GARDIEN_TRUSTED_PROXIES: '127.0.0.1' },
    serviceEnv: {
      'llm-gateway': servedAssistantEnv(dir, runtime),
      'vector-store': { GARDIEN_VECTOR_COLLECTIONS_FILE: collectionsFile },
    },
  });
  edge = new EdgeClient(platform.edgeUrl);
  const result = await bootstrapTenantA(nats.url, PASSWORD);
  const adminToken = await logIn('admin@a.example', totpSecretOf(result.tenant!.admin.totp_uri));
  ok(await api('PATCH', `/tenants/${result.tenant!.id}/settings`, adminToken, { allowed_models: ['assistant'] }), 200);
  ok(await api('POST', '/purposes', adminToken, { id: PURPOSE, name: 'Assistance', legal_basis: 'contract' }), 201);
  ok(await api('POST', '/users', adminToken, { email: 'user@a.example', password: PASSWORD, roles: ['user'] }), 201);
  userToken = await logIn('user@a.example');
}, 180_000);

afterAll(async () => {
  await platform?.dispose();
  await runtime?.stop();
  await nats?.dispose();
  await dropTestDatabases(prefix);
  rmSync(dir, { recursive: true, force: true });
});

test('a document holding identifiers is ingested: embedded through the gateway from pseudonymised text, then ready', async () => {
  const from = runtime.requests.length;
  const accepted = ok(await api('POST', '/documents', userToken, { collection: COLLECTION, text: TEXT, purpose: PURPOSE }), 202).body as { id: string; status: string };
  expect(accepted.status).toBe('processing');
  documentId = accepted.id;
  await waitFor(async () => (await api('GET', `/documents/${documentId}`, userToken)).body.status === 'ready', 30_000, 'the document to be ready');
  expect((await api('GET', `/documents/${documentId}`, userToken)).body).toMatchObject({ status: 'ready', chunks_done: 1, chunks_total: 1 });
  const embedded = runtime.requests.slice(from).filter((request) => request.path === '/api/embed');
  expect(embedded.length).toBeGreaterThan(0);
  // The positive control: the text did reach the runtime to be embedded, its identifiers as placeholders.
  expect(embedded.map((request) => request.rawBody).join('\n')).toContain('<EMAIL_1>');
  expect(heldIn(receivedSince(from))).toEqual([]);
});

test('a question retrieves it through /v1/chat/completions: the runtime receives no identifier of the question or the chunk; the answer comes back re-identified with the chunk’s id', async () => {
  const client = new OpenAI({ baseURL: `${platform.edgeUrl}/v1`, apiKey: userToken, defaultHeaders: { 'x-gardien-purpose': PURPOSE, 'x-forwarded-for': someClientAddress() } });
  const from = runtime.requests.length;
  const completion = (await client.chat.completions.create({ model: 'assistant', messages: [{ role: 'user', content: QUESTION }], retrieval: { collection: COLLECTION, top_k: 3 } } as OpenAI.ChatCompletionCreateParamsNonStreaming)) as OpenAI.ChatCompletion & {
    retrieved_chunks?: Array<{ document_id: string; chunk_id: string; score: number }>;
  };
  expect(completion.choices[0]!.message.content).toBe(`Echo: ${QUESTION}`);
  expect(completion.retrieved_chunks).toEqual([{ document_id: documentId, chunk_id: expect.any(String), score: expect.any(Number) }]);
  const chats = runtime.requests.slice(from).filter((request) => request.path === '/api/chat');
  expect(chats).toHaveLength(1);
  const messages = (chats[0]!.body as { messages: Array<{ role: string; content: string }> }).messages;
  // The positive control: the chunk reached the model, quoted between the lines of this call's own
  // boundary (named in the header) in a user message just before the question (never a system
  // message), its identifiers as placeholders.
  expect(messages.map((message) => message.role)).toEqual(['user', 'user']);
  expect(messages[0]!.content).toMatch(
    /^Extraits de documents, chacun entre deux lignes (<<<[a-z]{16}>>>) [^\n]*\n\n\[1\] \1\nDossier 2024-117\. La cliente écrit depuis <EMAIL_1> et se joint au <PHONE_1>\. Son remboursement part sur l'IBAN <IBAN_1>\.\n\1$/,
  );
  expect(messages.at(-1)!.content).toMatch(/<EMAIL_1>.*<EMAIL_2>/);
  expect(heldIn(receivedSince(from))).toEqual([]);
});

test('the same through /api/v1/llm/chat: the reply names the chunk used, the answer is re-identified, nothing identifying reaches the runtime', async () => {
  const from = runtime.requests.length;
  const reply = ok(await api('POST', '/llm/chat', userToken, { model: 'assistant', purpose: PURPOSE, messages: [{ role: 'user', content: QUESTION }], retrieval: { collection: COLLECTION } }), 200).body as {
    content: string;
    retrieved_chunks: Array<{ document_id: string }>;
  };
  expect(reply.content).toBe(`Echo: ${QUESTION}`);
  expect(reply.retrieved_chunks.map((chunk) => chunk.document_id)).toEqual([documentId]);
  expect(heldIn(receivedSince(from))).toEqual([]);
});

test('a retrieval from an unknown collection is refused with its code, and the runtime is not asked', async () => {
  const from = runtime.requests.length;
  const refused = await api('POST', '/llm/chat', userToken, { model: 'assistant', purpose: PURPOSE, messages: [{ role: 'user', content: 'Bonjour' }], retrieval: { collection: 'inconnue' } });
  expect(refused.status).toBeGreaterThanOrEqual(400);
  expect(refused.status).toBeLessThan(500);
  expect(JSON.stringify(refused.body)).toMatch(/unknown[_-]collection/);
  expect(runtime.requests.slice(from).filter((request) => request.path === '/api/chat')).toHaveLength(0);
});
