// `gardien start`: brings the whole platform up on one machine, the way `npm start` does.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ALL_SERVICES, BUS_SERVICES, type ServiceName } from '@gardien/contracts';
import { ensureDevelopmentMasterKey } from './master-key.js';
import { repoRoot } from '../repo-root.js';
import { answers, endpointOf, isLocal, startLocalNats, startLocalPostgres, waitUntilAnswers } from './infrastructure.js';
import { Supervisor } from './supervisor.js';

export interface StartOptions {
  only?: string[];
  dataDir?: string;
}

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';
const METRICS_PORT_BASE = 9460;

function say(line: string): void {
  process.stderr.write(`[gardien] ${line}\n`);
}

export async function startCommand(options: StartOptions): Promise<void> {
  const startedAt = Date.now();
  const root = repoRoot();
  const dataDir = options.dataDir ?? join(root, '.gardien');
  const services = selectServices(options.only);
  const databaseUrl = process.env.GARDIEN_DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const natsUrl = process.env.GARDIEN_NATS_URL ?? DEFAULT_NATS_URL;

  await ensurePostgres(databaseUrl, dataDir);
  const ownNats = await ensureNats(natsUrl, dataDir);

  const supervisor = new Supervisor(root, say);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping every service`);
    await supervisor.stopAll();
    ownNats?.kill('SIGTERM');
    say('stopped');
    process.exit(0);
  };
  // `on`, not `once`: Ctrl-C may reach us twice (from the terminal and from npm start's launcher),
  // and a second signal must not kill this process before it has stopped the services.
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  const baseEnv = {
    GARDIEN_DATABASE_URL: databaseUrl,
    GARDIEN_NATS_URL: natsUrl,
    GARDIEN_DATA_DIR: process.env.GARDIEN_DATA_DIR ?? join(dataDir, 'keys'),
    GARDIEN_MASTER_KEY_FILE: await ensureDevelopmentMasterKey(dataDir, say),
  };
  // GARDIEN_METRICS_PORT is the base port; each service gets base + its index. Replicas started with
  // --only next to a running platform take any free port, so that they do not collide with it.
  const metricsBase = Number(process.env.GARDIEN_METRICS_PORT ?? METRICS_PORT_BASE);
  const envOf = (name: ServiceName) => ({
    ...baseEnv,
    GARDIEN_METRICS_PORT: options.only?.length || metricsBase === 0 ? '0' : String(metricsBase + ALL_SERVICES.indexOf(name)),
  });
  try {
    await Promise.all(services.filter((s) => s !== 'edge-api').map((name) => supervisor.start({ name, env: envOf(name) })));
    if (services.includes('edge-api')) await supervisor.start({ name: 'edge-api', env: envOf('edge-api') });
  } catch (error) {
    say(`start failed: ${(error as Error).message}`);
    await supervisor.stopAll();
    ownNats?.kill('SIGTERM');
    process.exit(1);
  }
  const port = process.env.GARDIEN_HTTP_PORT ?? '8080';
  const host = process.env.GARDIEN_HTTP_HOST ?? '127.0.0.1';
  say(`${services.length} services up in ${((Date.now() - startedAt) / 1000).toFixed(1)} s; Ctrl-C stops them`);
  if (services.includes('edge-api')) process.stdout.write(`Gardien edge: http://${host}:${port}  (health: http://${host}:${port}/health)\n`);
}

function selectServices(only: string[] | undefined): ServiceName[] {
  if (!only || only.length === 0) return [...BUS_SERVICES, 'edge-api'];
  const unknown = only.filter((name) => !(ALL_SERVICES as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`unknown service(s): ${unknown.join(', ')}; known: ${ALL_SERVICES.join(', ')}`);
  return only as ServiceName[];
}

async function ensurePostgres(url: string, dataDir: string): Promise<void> {
  const endpoint = endpointOf(url, 5432);
  if (await answers(endpoint)) return;
  if (!isLocal(endpoint)) throw new Error(`PostgreSQL at ${endpoint.host}:${endpoint.port} does not answer`);
  say(`PostgreSQL does not answer on ${endpoint.host}:${endpoint.port}; starting a local one`);
  startLocalPostgres(endpoint, dataDir);
  if (!(await waitUntilAnswers(endpoint, 30_000))) throw new Error('local PostgreSQL did not start');
}

async function ensureNats(url: string, dataDir: string): Promise<ChildProcess | undefined> {
  const endpoint = endpointOf(url, 4222);
  if (await answers(endpoint)) return undefined;
  if (!isLocal(endpoint)) throw new Error(`NATS at ${endpoint.host}:${endpoint.port} does not answer`);
  say(`NATS does not answer on ${endpoint.host}:${endpoint.port}; starting a local nats-server with JetStream`);
  const child = startLocalNats(endpoint, dataDir);
  if (!(await waitUntilAnswers(endpoint, 10_000))) throw new Error('local nats-server did not start');
  return child;
}
