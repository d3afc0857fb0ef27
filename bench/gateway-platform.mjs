// Gardien for the gateway bench: the platform started as processes (as `gardien start` does:
// `gardien provision`, then the 7 services), the gateway given a catalogue of one model served by
// the bench's runtime through its OpenAI-compatible dialect, and a tenant ready to call it: its
// admin (with a second factor, as every admin), a purpose with a legal basis, the model allowed,
// quotas far above what the bench sends (nothing is refused for quota), and an API key bound to
// the purpose, which the client sends as `Authorization: Bearer <key>`.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { generate } from 'otplib';
import { AUTH_OPERATIONS, BusClient, CLI_USER, inboxPrefixOf } from '@gardien/contracts';
import { DEFAULT_SERVED_MODEL, PlatformProcesses } from '@gardien/testing';
import { waitUntilHealthy } from './cold-start.mjs';

/** The model's id in Gardien's catalogue, as clients name it. */
export const GARDIEN_MODEL = 'assistant';
const PASSWORD = 'gateway bench password, long enough';
const QUOTAS = { requests_per_minute: 1_000_000, requests_per_day: 1_000_000_000, tokens_per_minute: 10_000_000_000, tokens_per_day: 10_000_000_000, api_key: {} };

/**
 * @param {import('./environment.mjs').BenchEnvironment} environment
 * @param {string} runtimeBaseUrl  the runtime's OpenAI base URL, /v1 included
 * @returns {Promise<{processes: PlatformProcesses, apiKey: string}>}
 */
export async function startGardien(environment, runtimeBaseUrl) {
  const platform = await environment.prepare();
  const dir = await mkdtemp(join(tmpdir(), 'gardien-gateway-bench-'));
  try {
    const catalogue = join(dir, 'models.json');
    const model = { id: GARDIEN_MODEL, runtime: 'openai-compatible', name: DEFAULT_SERVED_MODEL.name, sha256: DEFAULT_SERVED_MODEL.digest, capabilities: ['chat', 'embeddings'], context_length: 8192 };
    await writeFile(catalogue, JSON.stringify({ models: [model] }));
    platform.processes = await PlatformProcesses.start({
      databasePrefix: platform.prefix,
      natsUrl: platform.nats.url,
      // One client address sends everything: the per-source limits stay on, with a ceiling never hit.
      env: { GARDIEN_RATE_LIMIT_MAX: '1000000', GARDIEN_RATE_LIMIT_AUTH_MAX: '1000000' },
      serviceEnv: { 'llm-gateway': { GARDIEN_MODELS_FILE: catalogue, GARDIEN_LLM_RUNTIME: 'openai-compatible', GARDIEN_OPENAI_BASE_URL: runtimeBaseUrl } },
    });
    await waitUntilHealthy(platform.processes.edgeUrl);
    return { processes: platform.processes, apiKey: await tenantWithKey(platform.nats.url, platform.processes.edgeUrl) };
  } finally {
    await rm(dir, { recursive: true, force: true }); // read once by the gateway at its start
  }
}

/**
 * The first tenant and its admin, made as `gardien bootstrap` makes them (auth answers a bootstrap
 * only into the operator CLI's inbox), then set up through the edge by that admin.
 * @param {string} natsUrl
 * @param {string} edgeUrl
 */
async function tenantWithKey(natsUrl, edgeUrl) {
  const admin = { email: 'admin@gateway-bench.example', password: PASSWORD };
  const connection = await connect({ servers: natsUrl, inboxPrefix: inboxPrefixOf(CLI_USER) });
  let created;
  try {
    const payload = { admin: { email: 'root@gateway-bench.example', password: PASSWORD }, tenant: { slug: 'gateway-bench', name: 'Gateway bench', admin } };
    created = await new BusClient(connection, 30_000).call(AUTH_OPERATIONS.bootstrap, payload, { requestId: randomUUID() });
  } finally {
    await connection.close();
  }
  const tenant = created.tenant;
  if (!tenant) throw new Error('the bootstrap created no tenant');
  const secret = new URL(tenant.admin.totp_uri).searchParams.get('secret') ?? '';
  const edge = edgeCaller(`${edgeUrl}/api/v1`);
  const { access_token: token } = await edge('POST', '/auth/login', { ...admin, tenant: 'gateway-bench', totp: await generate({ secret }) });
  await edge('POST', '/purposes', { id: 'bench-support', name: 'Support requests (bench)', legal_basis: 'contract' }, token);
  await edge('PATCH', `/tenants/${tenant.id}/settings`, { allowed_models: [GARDIEN_MODEL], quotas: QUOTAS }, token);
  const key = await edge('POST', '/api-keys', { name: 'gateway bench', purpose: 'bench-support' }, token);
  return /** @type {string} */ (key.key);
}

/** @param {string} base */
function edgeCaller(base) {
  /** @param {string} method @param {string} path @param {unknown} body @param {string} [token] */
  return async (method, path, body, token) => {
    const headers = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
    const response = await fetch(`${base}${path}`, { method, headers, body: JSON.stringify(body) });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text);
  };
}
