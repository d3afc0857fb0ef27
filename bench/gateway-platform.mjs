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
import pg from 'pg';
import { generate } from 'otplib';
import { AUTH_OPERATIONS, BusClient, CLI_USER, inboxPrefixOf } from '@gardien/contracts';
import { ADMIN_URL, DEFAULT_SERVED_MODEL, PlatformProcesses } from '@gardien/testing';
import { waitUntilHealthy } from './cold-start.mjs';
import { latencySummary } from './stats.mjs';

/** The model's id in Gardien's catalogue, as clients name it. */
export const GARDIEN_MODEL = 'assistant';
const PASSWORD = 'gateway bench password, long enough';
const QUOTAS = { requests_per_minute: 1_000_000, requests_per_day: 1_000_000_000, tokens_per_minute: 10_000_000_000, tokens_per_day: 10_000_000_000, api_key: {} };

/**
 * @param {import('./environment.mjs').BenchEnvironment} environment
 * @param {string} runtimeBaseUrl  the runtime's OpenAI base URL, /v1 included
 * @returns {Promise<{processes: PlatformProcesses, apiKey: string, prefix: string}>}
 */
export async function startGardien(environment, runtimeBaseUrl) {
  const platform = await environment.prepare();
  const dir = await mkdtemp(join(tmpdir(), 'gardien-gateway-bench-'));
  try {
    const catalogue = join(dir, 'models.json');
    const model = { id: GARDIEN_MODEL, runtime: 'openai-compatible', name: DEFAULT_SERVED_MODEL.name, sha256: DEFAULT_SERVED_MODEL.digest, capabilities: ['chat', 'embeddings'], context_length: 8192 };
    await writeFile(catalogue, JSON.stringify({ models: [model] }));
    // GARDIEN_BENCH_CPU_PROFILE=<dir>: the gateway and the edge write a CPU profile there when they stop.
    const profileDir = process.env.GARDIEN_BENCH_CPU_PROFILE;
    const profiled = profileDir ? [`--cpu-prof`, `--cpu-prof-dir=${profileDir}`] : [];
    // GARDIEN_BENCH_GATEWAY_NODE_FLAGS="--max-semi-space-size=16": flags of the gateway alone, to try them.
    const gatewayFlags = (process.env.GARDIEN_BENCH_GATEWAY_NODE_FLAGS ?? '').split(' ').filter(Boolean);
    platform.processes = await PlatformProcesses.start({
      databasePrefix: platform.prefix,
      natsUrl: platform.nats.url,
      // One client address sends everything: the per-source limits stay on, with a ceiling never hit.
      env: { GARDIEN_RATE_LIMIT_MAX: '1000000', GARDIEN_RATE_LIMIT_AUTH_MAX: '1000000' },
      serviceEnv: {
        'llm-gateway': { GARDIEN_MODELS_FILE: catalogue, GARDIEN_LLM_RUNTIME: 'openai-compatible', GARDIEN_OPENAI_BASE_URL: runtimeBaseUrl },
      },
      serviceNodeFlags: { 'llm-gateway': [...profiled, ...gatewayFlags], 'edge-api': profiled },
    });
    await waitUntilHealthy(platform.processes.edgeUrl);
    return { processes: platform.processes, apiKey: await tenantWithKey(platform.nats.url, platform.processes.edgeUrl), prefix: platform.prefix };
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

/** The per-stage durations an audit entry of a model call holds (details.<stage>Ms). */
const STAGES = ['authorise', 'legalBasis', 'quota', 'inputGuards', 'pseudonymise', 'runtime', 'outputGuards', 'reidentify', 'meter'];

/**
 * Where the gateway's time went: the stage durations of the audit entries of the calls that
 * started between `from` and `to`, read from the gateway's outbox (as the database's owner), with
 * the count of entries per decision. The commits of the quota reservation and of the settlement
 * (meter and audit in one transaction) are in no stage's figure.
 * @param {string} prefix  the platform's database prefix
 * @param {Date} from
 * @param {Date} to
 */
export async function gatewayStageTimes(prefix, from, to) {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${prefix}_llm_gateway`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const { rows } = await client.query(
      "SELECT payload->'details' AS details FROM gardien_outbox WHERE payload->>'action' = 'model.chat' AND (payload->>'occurredAt')::timestamptz BETWEEN $1 AND $2",
      [from.toISOString(), to.toISOString()],
    );
    /** @type {Record<string, number>} */
    const decisions = {};
    for (const { details } of rows) decisions[details.decision] = (decisions[details.decision] ?? 0) + 1;
    const stages = Object.fromEntries(STAGES.map((stage) => [stage, latencySummary(rows.map((row) => row.details[`${stage}Ms`]).filter((ms) => typeof ms === 'number'))]));
    return { entries: rows.length, decisions, stages };
  } finally {
    await client.end();
  }
}
