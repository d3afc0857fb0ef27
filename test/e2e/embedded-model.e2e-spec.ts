// A fresh start with no model configured, as a newcomer runs it: `gardien start` (what `npm start`
// runs) writes the project's demo model, the gateway serves it on the embedded runtime (llama.cpp
// in its own process), and an application chats with it through /v1/chat/completions with the
// official `openai` SDK, once and streamed, with token counts. The model list says plainly that its
// answers are not language. Then the gateway is started again on a catalogue whose sha256 for that
// file is wrong: the model is refused, the log names the file, and a chat is refused too.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { DEMO_MODEL } from '@gardien/gguf';
import { PrivateNats, REPO_ROOT, dropTestDatabases, freePort, testDatabasePrefix, waitFor } from '@gardien/testing';
import { EdgeClient, bootstrapTenantA, freshTotp, someClientAddress, totpSecretOf, type HttpAnswer } from './identity-support.js';

const prefix = testDatabasePrefix();
const CLI = join(REPO_ROOT, 'apps', 'cli', 'dist', 'main.js');
const PASSWORD = 'a passphrase long enough to pass';
const dataDir = mkdtempSync(join(tmpdir(), 'gardien-embedded-e2e-'));
const started: ChildProcess[] = [];
const usedCodes = new Set<string>();
let nats: PrivateNats;
let port: number;
let env: NodeJS.ProcessEnv;
let edge: EdgeClient;
let apiKey = '';
let main: { child: ChildProcess; output: () => string };

function gardienStart(extraEnv: NodeJS.ProcessEnv, ...args: string[]): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [CLI, 'start', '--data-dir', dataDir, ...args], { cwd: REPO_ROOT, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

function ok(answer: HttpAnswer, status: number): HttpAnswer {
  if (answer.status !== status) throw new Error(`expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer;
}

const api = (method: string, path: string, token: string, body?: unknown) =>
  edge.call(method, `/api/v1${path}`, { token, headers: { 'x-forwarded-for': someClientAddress() }, ...(body !== undefined ? { body } : {}) });

beforeAll(async () => {
  nats = await PrivateNats.start();
  port = await freePort();
  env = { ...process.env, GARDIEN_NATS_URL: nats.url, GARDIEN_DATABASE_PREFIX: prefix, GARDIEN_HTTP_PORT: String(port), GARDIEN_METRICS_PORT: '0', GARDIEN_TRUSTED_PROXIES: '127.0.0.1' };
  // A newcomer's shell: no model configured.
  for (const variable of ['GARDIEN_MODELS_FILE', 'GARDIEN_MODELS_DIR', 'GARDIEN_LLM_RUNTIME', 'GARDIEN_OLLAMA_URL', 'GARDIEN_OPENAI_BASE_URL']) delete env[variable];
  main = gardienStart({});
  await waitFor(async () => main.output().includes(`Gardien edge: http://127.0.0.1:${port}`), 90_000, 'the edge URL to be printed');
  edge = new EdgeClient(`http://127.0.0.1:${port}`);
  const result = await bootstrapTenantA(nats.url, PASSWORD);
  const login = { email: 'admin@a.example', password: PASSWORD, tenant: 'tenant-a', totp: await freshTotp(totpSecretOf(result.tenant!.admin.totp_uri), usedCodes) };
  const adminToken = ok(await edge.call('POST', '/api/v1/auth/login', { body: login, headers: { 'x-forwarded-for': someClientAddress() } }), 200).body.access_token as string;
  ok(await api('PATCH', `/tenants/${result.tenant!.id}/settings`, adminToken, { allowed_models: [DEMO_MODEL.id] }), 200);
  ok(await api('POST', '/purposes', adminToken, { id: 'assistance', name: 'Assistance', legal_basis: 'contract' }), 201);
  apiKey = ok(await api('POST', '/api-keys', adminToken, { name: 'demo', purpose: 'assistance' }), 201).body.key as string;
}, 180_000);

afterAll(async () => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGINT');
  await Promise.all(started.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : undefined)));
  await nats?.dispose();
  await dropTestDatabases(prefix);
  rmSync(dataDir, { recursive: true, force: true });
});

test('with no model configured, the start says it serves the demo model, and the model list says its answers are not language', async () => {
  expect(main.output()).toContain(`no model configured: the gateway serves the demo model "${DEMO_MODEL.id}" on the embedded runtime`);
  const client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey });
  const models = await client.models.list();
  expect(models.data).toEqual([{ id: DEMO_MODEL.id, object: 'model', created: 0, owned_by: expect.stringContaining('not a language model'), description: DEMO_MODEL.description }]);
});

test('a chat through /v1/chat/completions is answered by the embedded runtime on the demo model, with token counts', async () => {
  const client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey });
  const completion = await client.chat.completions.create({ model: DEMO_MODEL.id, messages: [{ role: 'user', content: 'Bonjour abc' }] });
  // The demo model continues the alphabet from the last letter it was given, then stops.
  expect(completion.choices).toEqual([{ index: 0, message: { role: 'assistant', content: 'defghijklmnopqrstuvwxyz', refusal: null }, finish_reason: 'stop', logprobs: null }]);
  expect(completion.usage).toEqual({ prompt_tokens: expect.any(Number), completion_tokens: 24, total_tokens: completion.usage!.prompt_tokens + 24 });
  expect(completion.usage!.prompt_tokens).toBeGreaterThan(5);

  const stream = await client.chat.completions.create({ model: DEMO_MODEL.id, messages: [{ role: 'user', content: 'Bonjour abc' }], stream: true, stream_options: { include_usage: true } });
  const chunks: string[] = [];
  let usage: OpenAI.CompletionUsage | undefined;
  for await (const chunk of stream) {
    const delta = chunk.choices[0]?.delta.content;
    if (delta) chunks.push(delta);
    if (chunk.usage) usage = chunk.usage;
  }
  // The runtime writes the letters in well under a millisecond each, and the gateway's leak scanner
  // holds back text that could still become an identifier: the letters may come as one chunk.
  expect(chunks.length).toBeGreaterThanOrEqual(1);
  expect(chunks.join('')).toBe('defghijklmnopqrstuvwxyz');
  expect(usage).toEqual(completion.usage);

  const limited = await client.chat.completions.create({ model: DEMO_MODEL.id, messages: [{ role: 'user', content: '3' }], max_tokens: 2 });
  expect(limited.choices[0]).toMatchObject({ message: { content: '45' }, finish_reason: 'length' });
  expect(limited.usage?.completion_tokens).toBe(2);
});

test('started on a catalogue whose sha256 for the file is wrong, the gateway refuses the model, names the file, and refuses the chat', async () => {
  const gateway = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(main.child.pid)], { encoding: 'utf8' })
    .split('\n')
    .find((line) => line.includes(join('apps', 'llm-gateway', 'dist')));
  process.kill(Number(gateway!.trim().split(/\s+/)[0]), 'SIGTERM');
  const badCatalogue = join(dataDir, 'wrong-digest.json');
  const entry = { id: DEMO_MODEL.id, runtime: 'embedded', name: DEMO_MODEL.file, sha256: '0'.repeat(64), capabilities: ['chat'], context_length: DEMO_MODEL.contextLength };
  writeFileSync(badCatalogue, JSON.stringify({ models: [entry] }));
  const again = gardienStart({ GARDIEN_MODELS_FILE: badCatalogue, GARDIEN_MODELS_DIR: join(dataDir, 'models'), GARDIEN_LLM_RUNTIME: 'embedded' }, '--only', 'llm-gateway');
  await waitFor(async () => /"verdict":"digest_mismatch"/.test(again.output()), 60_000, 'the gateway to refuse the model');
  const refusal = again.output().split('\n').find((line) => line.includes('digest_mismatch'))!;
  expect(JSON.parse(refusal.slice(refusal.indexOf('{')))).toMatchObject({ event: 'catalogue_check', model: DEMO_MODEL.id, verdict: 'digest_mismatch', file: DEMO_MODEL.file });

  const client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey, maxRetries: 0 });
  expect((await client.models.list()).data).toEqual([]);
  const refused = await client.chat.completions.create({ model: DEMO_MODEL.id, messages: [{ role: 'user', content: 'abc' }] }).catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(OpenAI.APIError);
  expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBeGreaterThanOrEqual(400);
}, 120_000);
