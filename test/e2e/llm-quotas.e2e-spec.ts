// Quotas held across two replicas of the gateway: two processes of llm-gateway in one queue group
// share the calls of one API key, sent all at once through the edge. Exactly the tenant's limit of
// requests is admitted whichever replica answers; the others are 429 with Retry-After; and the
// tokens counted never pass the token limit (the overshoot the README states is for prompts that
// hold more tokens than estimated, which these do not).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { BusClient, serviceOperations } from '@gardien/contracts';
import { DEFAULT_SERVED_MODEL, ModelRuntimeServer, PlatformProcesses, PrivateNats, dropTestDatabases, testDatabasePrefix } from '@gardien/testing';
import { EdgeClient, bootstrapTenantA, freshTotp, someClientAddress, totpSecretOf, type HttpAnswer } from './identity-support.js';

const prefix = testDatabasePrefix();
const PASSWORD = 'correct horse battery staple 42';
const MODEL = 'assistant';
const usedCodes = new Set<string>();

let nats: PrivateNats;
let platform: PlatformProcesses;
let server: ModelRuntimeServer;
let edge: EdgeClient;
let tenantId = '';
let adminToken = '';

function ok(answer: HttpAnswer, status: number): HttpAnswer {
  if (answer.status !== status) throw new Error(`expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer;
}

beforeAll(async () => {
  nats = await PrivateNats.start();
  server = new ModelRuntimeServer();
  await server.start();
  const dir = mkdtempSync(join(tmpdir(), 'gardien-quotas-'));
  const modelsFile = join(dir, 'models.json');
  writeFileSync(
    modelsFile,
    JSON.stringify({ models: [{ id: MODEL, runtime: 'ollama', name: DEFAULT_SERVED_MODEL.name, sha256: DEFAULT_SERVED_MODEL.digest, capabilities: ['chat'], context_length: 8192 }] }),
  );
  // The quotas under test, not the in-flight limits (which would refuse some of 120 calls at once first: too_many_calls).
  const gatewayEnv = { GARDIEN_MODELS_FILE: modelsFile, GARDIEN_LLM_RUNTIME: 'ollama', GARDIEN_OLLAMA_URL: server.url, GARDIEN_LLM_MAX_CONCURRENT_PER_TENANT: '1000', GARDIEN_LLM_MAX_CONCURRENT: '1000' };
  platform = await PlatformProcesses.start({
    databasePrefix: prefix,
    natsUrl: nats.url,
    env: { GARDIEN_TRUSTED_PROXIES: '127.0.0.1' },
    serviceEnv: { 'llm-gateway': gatewayEnv },
  });
  await platform.launch('llm-gateway', 'llm-gateway-replica');
  edge = new EdgeClient(platform.edgeUrl);
  const result = await bootstrapTenantA(nats.url, PASSWORD);
  tenantId = result.tenant!.id;
  const body = { email: 'admin@a.example', password: PASSWORD, tenant: 'tenant-a', totp: await freshTotp(totpSecretOf(result.tenant!.admin.totp_uri), usedCodes) };
  adminToken = ok(await edge.call('POST', '/api/v1/auth/login', { body, headers: { 'x-forwarded-for': someClientAddress() } }), 200).body.access_token;
  ok(await edge.call('POST', '/api/v1/purposes', { token: adminToken, body: { id: 'support', name: 'Support', legal_basis: 'contract' } }), 201);
});

afterAll(async () => {
  await platform?.dispose();
  await server?.stop();
  await nats?.dispose();
  await dropTestDatabases(prefix);
});

async function settings(quotas: Record<string, unknown>): Promise<void> {
  ok(await edge.call('PATCH', `/api/v1/tenants/${tenantId}/settings`, { token: adminToken, body: { allowed_models: [MODEL], quotas } }), 200);
}

async function newKey(name: string): Promise<string> {
  return ok(await edge.call('POST', '/api/v1/api-keys', { token: adminToken, body: { name, purpose: 'support' } }), 201).body.key as string;
}

/** Waits for the start of a UTC minute's first 40 seconds, so that a burst stays in one window. */
async function earlyInAMinute(): Promise<void> {
  const second = new Date().getUTCSeconds();
  if (second > 40) await new Promise((resolve) => setTimeout(resolve, (61 - second) * 1000));
}

function chat(apiKey: string, content: string): Promise<HttpAnswer> {
  // Each call from an address of its own: the edge's per-source limits are not what is tested.
  return edge.call('POST', '/api/v1/llm/chat', { apiKey, headers: { 'x-forwarded-for': someClientAddress() }, body: { model: MODEL, max_tokens: 16, messages: [{ role: 'user', content }] } });
}

/** The gateway instances that answer requests of its queue group (health answers name their instance). */
async function instancesAnswering(): Promise<Set<string>> {
  const connection = await connect({ servers: nats.url });
  try {
    const bus = new BusClient(connection);
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) seen.add((await bus.call(serviceOperations('llm-gateway').health, {}, { requestId: `replicas-${i}` })).instance);
    return seen;
  } finally {
    await connection.close();
  }
}

test('two replicas admit exactly the requests per minute of the tenant; the rest is 429 with Retry-After', async () => {
  await settings({ requests_per_minute: 25, tokens_per_minute: 10_000_000 });
  // The policy is kept 5 s by each replica: the new limits apply after that.
  await new Promise((resolve) => setTimeout(resolve, 5_500));
  const apiKey = await newKey('burst');
  await earlyInAMinute();
  const answers = await Promise.all(Array.from({ length: 120 }, (_, i) => chat(apiKey, `appel ${i}`)));
  const statuses = answers.map((answer) => answer.status);
  expect(statuses.filter((status) => status === 200)).toHaveLength(25);
  const refused = answers.filter((answer) => answer.status === 429);
  expect(refused).toHaveLength(95);
  for (const answer of refused) {
    expect(answer.body.reason).toBe('quota_exceeded');
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
  }
  // Both replicas share the queue group's requests: the counters they share are what decided.
  expect([...(await instancesAnswering())].sort()).toEqual(['llm-gateway', 'llm-gateway-replica']);
});

test('tokens counted across both replicas never pass the tokens per minute', async () => {
  const limit = 3_000;
  await settings({ requests_per_minute: 100_000, tokens_per_minute: limit });
  await new Promise((resolve) => setTimeout(resolve, 5_500));
  const apiKey = await newKey('tokens');
  await earlyInAMinute();
  const content = 'un deux trois quatre cinq six sept huit neuf dix '.repeat(6);
  const answers = await Promise.all(Array.from({ length: 80 }, () => chat(apiKey, content)));
  const answered = answers.filter((answer) => answer.status === 200);
  expect(answered.length).toBeGreaterThan(0);
  expect(answers.every((answer) => answer.status === 200 || (answer.status === 429 && answer.body.reason === 'quota_exceeded'))).toBe(true);
  const counted = answered.reduce((sum, answer) => sum + answer.body.usage.prompt_tokens + answer.body.usage.completion_tokens, 0);
  expect(counted).toBeLessThanOrEqual(limit);
  // The same figure as the tenant's usage report, which both replicas wrote to.
  const day = new Date().toISOString().slice(0, 10);
  const report = ok(await edge.call('GET', `/api/v1/usage?from=${day}&to=${day}`, { token: adminToken }), 200).body as { rows: Array<{ requests: number }> };
  expect(report.rows.reduce((sum, row) => sum + row.requests, 0)).toBeGreaterThanOrEqual(25 + answered.length);
});
