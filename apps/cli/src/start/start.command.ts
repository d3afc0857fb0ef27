// `gardien start`: brings the whole platform up on one machine, the way `npm start` does:
// PostgreSQL and NATS (started locally if needed), then `gardien provision` (databases, roles,
// credentials, migrations, streams, consumers), then each service with its own credentials only,
// its own master key and key directory, and, given --nats-seeds-dir, its own nkey.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { BaseConfigSchema, loadConfig, sharedEnvironment } from '@gardien/bootstrap';
import { ALL_SERVICES, BUS_SERVICES, PROVISIONER_USER, isBusService, type BusService, type BusUser, type ServiceName } from '@gardien/contracts';
import { z } from 'zod';
import { CatalogueFileError, readCatalogueFile } from '../models/catalogue-file.js';
import { runProvision } from '../provision/provision.command.js';
import { DEVELOPMENT_ADMIN_URL } from '../provision/provision-config.js';
import { PROVISION_EXIT, type ProvisionResult } from '../provision/provision-report.js';
import { ensureServiceKeys, moveSharedLayout, type ServiceKeys } from './master-key.js';
import { describeLostKeys, findLostKeys, wrappedKeysProbe } from './lost-keys.js';
import { repoRoot } from '../repo-root.js';
import { answers, endpointOf, isLocal, startLocalNats, startLocalPostgres, waitUntilAnswers } from './infrastructure.js';
import { Supervisor } from './supervisor.js';
import { demoModelEnvironment } from './demo-model.js';
import { DEMO_MODEL } from '@gardien/gguf';

/** Characters of a chunk of the default collection on the demo model. */
const DEMO_CHUNK_CHARS = 400;

export interface StartOptions {
  only?: string[];
  dataDir?: string;
  /** The seeds written by `gardien nats-config` (<user>.nk): each process is given its own. */
  natsSeedsDir?: string;
}

export const METRICS_PORT_BASE = 9460;

/** What `gardien start` itself reads: where the infrastructure is. Everything per process is built here. */
const StartConfigSchema = BaseConfigSchema.pick({ GARDIEN_NATS_URL: true }).extend({
  GARDIEN_DATABASE_ADMIN_URL: z.string().url().default(DEVELOPMENT_ADMIN_URL),
  GARDIEN_DATABASE_PREFIX: z.string().optional(),
});

function say(line: string): void {
  process.stderr.write(`[gardien] ${line}\n`);
}

export async function startCommand(options: StartOptions): Promise<void> {
  const startedAt = Date.now();
  const root = repoRoot();
  const dataDir = options.dataDir ?? join(root, '.gardien');
  const services = selectServices(options.only);
  const config = loadConfig(StartConfigSchema);
  if (process.env.GARDIEN_DATABASE_URL) say('GARDIEN_DATABASE_URL is not read by gardien start: the administrator’s URL is GARDIEN_DATABASE_ADMIN_URL');
  if (services.includes('llm-gateway')) await checkModelCatalogue(process.env);

  await ensurePostgres(config.GARDIEN_DATABASE_ADMIN_URL, dataDir);
  const ownNats = await ensureNats(config.GARDIEN_NATS_URL, dataDir);
  const { exitCode, result: provisioned } = await provision(services, dataDir, config, options.natsSeedsDir);
  if (!provisioned) {
    ownNats?.kill('SIGTERM');
    process.exit(exitCode);
  }

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

  if (process.env.GARDIEN_KMS !== 'vault') {
    // A folder of the shared-key layout is moved first: its keys are there, only elsewhere.
    moveSharedLayout(dataDir, services.filter(isBusService), say);
    const lost = await findLostKeys(dataDir, provisioned.databases, wrappedKeysProbe(config.GARDIEN_DATABASE_ADMIN_URL));
    if (lost.length > 0) {
      say(describeLostKeys(lost, dataDir));
      ownNats?.kill('SIGTERM');
      process.exit(PROVISION_EXIT.config);
    }
  }
  const keys = await ensureServiceKeys(dataDir, services.filter(isBusService), say);
  const demoModel = services.includes('llm-gateway') ? await demoModelEnvironment(dataDir, process.env, say) : {};
  // GARDIEN_METRICS_PORT is the base port; each service gets base + its index. Replicas started with
  // --only next to a running platform take any free port, so that they do not collide with it.
  const metricsBase = Number(process.env.GARDIEN_METRICS_PORT ?? METRICS_PORT_BASE);
  const envOf = (name: ServiceName): Record<string, string> => ({
    ...sharedEnvironment(process.env),
    GARDIEN_NATS_URL: config.GARDIEN_NATS_URL,
    ...natsSeedOf(options.natsSeedsDir, name),
    ...(isBusService(name) ? credentialsOf(name, provisioned, keys.get(name)) : {}),
    ...(name === 'llm-gateway' ? demoModel : {}),
    // The demo model's vectors, and chunks its 512-token context holds (a token a byte: 400 characters of French with room to spare).
    ...(name === 'vector-store' && demoModel.GARDIEN_MODELS_FILE ? { GARDIEN_EMBEDDING_DIMENSIONS: String(DEMO_MODEL.embeddingLength), GARDIEN_EMBEDDING_CHUNK_CHARS: String(DEMO_CHUNK_CHARS) } : {}),
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

/**
 * The catalogue the gateway is to read (GARDIEN_MODELS_FILE), checked before anything starts: the
 * gateway would stop on it only once Postgres, NATS and the other services were up. A bad one is a
 * configuration error (78), named by the file and its first problem, never by what it holds.
 */
async function checkModelCatalogue(env: NodeJS.ProcessEnv): Promise<void> {
  const file = env.GARDIEN_MODELS_FILE;
  if (!file) return;
  try {
    await readCatalogueFile(file, 'refused');
  } catch (error) {
    if (!(error instanceof CatalogueFileError)) throw error;
    say(`GARDIEN_MODELS_FILE: ${error.message}; nothing was started`);
    process.exit(PROVISION_EXIT.config);
  }
}

/** `gardien provision` for the selected services, as the provisioner, credentials under <data>/secrets. */
async function provision(services: ServiceName[], dataDir: string, config: z.infer<typeof StartConfigSchema>, seedsDir: string | undefined) {
  const env = {
    ...sharedEnvironment(process.env),
    GARDIEN_NATS_URL: config.GARDIEN_NATS_URL,
    GARDIEN_DATABASE_ADMIN_URL: config.GARDIEN_DATABASE_ADMIN_URL,
    ...(config.GARDIEN_DATABASE_PREFIX ? { GARDIEN_DATABASE_PREFIX: config.GARDIEN_DATABASE_PREFIX } : {}),
    ...natsSeedOf(seedsDir, PROVISIONER_USER),
  };
  const { exitCode, result } = await runProvision(
    { secretsDir: join(dataDir, 'secrets'), only: services.filter(isBusService) },
    { env, stdout: { write: () => true }, stderr: process.stderr },
  );
  if (exitCode !== 0 || !result) {
    say(`provisioning failed (exit ${exitCode}); nothing was started`);
    return { exitCode };
  }
  say(`provisioned ${result.databases.length} database(s) and the streams ${result.streams.map((s) => s.stream).join(', ')}`);
  return { exitCode, result };
}

function credentialsOf(service: BusService, provisioned: ProvisionResult, keys: ServiceKeys | undefined): Record<string, string> {
  const credentials = provisioned.databases.find((database) => database.service === service)?.credentials;
  if (!credentials) throw new Error(`${service} was not provisioned`);
  return {
    GARDIEN_DATABASE_URL_FILE: credentials.runtime,
    ...(credentials.maintenance ? { GARDIEN_MAINTENANCE_DATABASE_URL_FILE: credentials.maintenance } : {}),
    ...(keys ? { GARDIEN_MASTER_KEY_FILE: keys.masterKeyFile, GARDIEN_DATA_DIR: keys.keyDir } : {}),
  };
}

function natsSeedOf(seedsDir: string | undefined, user: BusUser): Record<string, string> {
  return seedsDir ? { GARDIEN_NATS_NKEY_SEED_FILE: join(seedsDir, `${user}.nk`) } : {};
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
