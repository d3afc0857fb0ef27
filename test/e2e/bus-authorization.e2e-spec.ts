// The platform running on a nats-server configured by `gardien nats-config --production
// --tls-generate`: every process connects over mutual TLS with its own certificate, its own nkey and
// its least-privilege permissions (the provisioning step as the provisioner, which alone may create
// the streams and consumers), and everything still works. Service identity is checked on it: a
// process obtains service tokens in its own name only, and a service's token is good only where the
// one ability factory grants that service something.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { BaseConfigSchema, loadConfig, natsConnectionOptions } from '@gardien/bootstrap';
import {
  ALL_SERVICES,
  BUS_SERVICES,
  BusClient,
  PROVISIONER_USER,
  TENANT_OPERATIONS,
  serviceOperations,
  serviceTokenOperation,
  tokenExchangeOperation,
  type ServiceName,
} from '@gardien/contracts';
import { PlatformProcesses, PrivateNats, REPO_ROOT, dropTestDatabases, testDatabasePrefix } from '@gardien/testing';

const prefix = testDatabasePrefix();
const dir = mkdtempSync(join(tmpdir(), 'gardien-bus-auth-'));
let nats: PrivateNats;
let platform: PlatformProcesses;
let tls: (service: string) => Record<string, string>;

beforeAll(async () => {
  const generated = spawnSync(
    process.execPath,
    [
      join(REPO_ROOT, 'apps/cli/dist/main.js'),
      'nats-config',
      ...['--out', join(dir, 'nats.conf'), '--seeds-dir', join(dir, 'seeds'), '--store-dir', join(dir, 'js')],
      ...['--production', '--listen', 'localhost:4222', '--tls-generate', join(dir, 'tls')],
    ],
    { encoding: 'utf8' },
  );
  expect(generated.status).toBe(0);
  const config = readFileSync(join(dir, 'nats.conf'), 'utf8');
  expect(config).not.toMatch(/SU[A-Z2-7]{56}|PRIVATE KEY/);
  expect(config).toContain('verify: true');
  nats = await PrivateNats.start(join(dir, 'nats.conf'));
  tls = (service: string) => ({
    GARDIEN_NATS_TLS_CA_FILE: join(dir, 'tls', 'ca.pem'),
    GARDIEN_NATS_TLS_CERT_FILE: join(dir, 'tls', `${service}.pem`),
    GARDIEN_NATS_TLS_KEY_FILE: join(dir, 'tls', `${service}-key.pem`),
  });
  platform = await PlatformProcesses.start({
    databasePrefix: prefix,
    natsUrl: nats.url,
    serviceEnv: Object.fromEntries(ALL_SERVICES.map((s) => [s, { GARDIEN_NATS_NKEY_SEED_FILE: join(dir, 'seeds', `${s}.nk`), ...tls(s) }])),
    provisionEnv: { GARDIEN_NATS_NKEY_SEED_FILE: join(dir, 'seeds', `${PROVISIONER_USER}.nk`), ...tls(PROVISIONER_USER) },
  });
});

afterAll(async () => {
  await platform?.dispose();
  await nats?.dispose();
  rmSync(dir, { recursive: true, force: true });
  await dropTestDatabases(prefix);
});

test('over mutual TLS, with one certificate and one nkey user per process, every service is up and answers through the edge', async () => {
  const response = await fetch(`${platform.edgeUrl}/health`);
  expect(await response.json()).toEqual({ status: 'ok', services: Object.fromEntries(BUS_SERVICES.map((s) => [s, 'up'])) });
  expect((await fetch(`${platform.edgeUrl}/api/v1/status/rights-pipeline`)).status).toBe(200);
  expect(platform.allOutput()).not.toMatch(/Permissions Violation|Authorization Violation/i);
});

/** A connection with `user`'s own nkey and certificate, as that process would open it. */
async function connectAs(user: ServiceName): Promise<NatsConnection> {
  const settings = loadConfig(BaseConfigSchema, { GARDIEN_NATS_URL: nats.url, GARDIEN_NATS_NKEY_SEED_FILE: join(dir, 'seeds', `${user}.nk`), ...tls(user) });
  return connect({ ...natsConnectionOptions(settings, user, `test-as-${user}`), reconnect: false });
}

const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => 'answered',
    (error: { code?: string; name?: string }) => error.code ?? error.name ?? 'refused',
  );

test('a process obtains service tokens in its own name only: another identity’s subject, or the edge’s exchange, is refused by the bus', async () => {
  const gateway = await connectAs('llm-gateway');
  try {
    const bus = new BusClient(gateway, 3_000);
    const own = await bus.call(serviceTokenOperation('llm-gateway'), { audience: 'tenant' }, { requestId: randomUUID() });
    expect(own.access_token.split('.')).toHaveLength(3);
    // Auth answers any holder's subject it receives: no answer here means the server refused to carry it.
    for (const other of ['audit', 'rights-pipeline', 'edge-api'] as const) {
      expect([other, await outcome(bus.call(serviceTokenOperation(other), { audience: 'tenant' }, { requestId: randomUUID() }))]).not.toEqual([other, 'answered']);
    }
    const exchange = await outcome(bus.call(tokenExchangeOperation('edge-api'), { audience: 'auth' }, { requestId: randomUUID(), token: own.access_token }));
    expect(exchange).not.toBe('answered');
  } finally {
    await gateway.close();
  }
});

test('a service’s own token proves who it is to the service it is for, which still refuses what the service has no grant for; another service refuses it', async () => {
  const gateway = await connectAs('llm-gateway');
  try {
    const bus = new BusClient(gateway, 3_000);
    const token = (await bus.call(serviceTokenOperation('llm-gateway'), { audience: 'tenant' }, { requestId: randomUUID() })).access_token;
    const asGateway = { requestId: randomUUID(), token };
    expect(await outcome(bus.call(TENANT_OPERATIONS.listTenants, {}, asGateway))).toBe('FORBIDDEN');
    expect(await outcome(bus.call(TENANT_OPERATIONS.resolveTenant, { slug: 'any-tenant' }, asGateway))).toBe('FORBIDDEN');
    expect(await outcome(bus.call(TENANT_OPERATIONS.createTenant, { slug: 'from-the-gateway', name: 'X' }, asGateway))).toBe('FORBIDDEN');
    expect(await bus.call(serviceOperations('tenant').whoami, {}, asGateway)).toMatchObject({ principal: { kind: 'service', id: 'llm-gateway', tenantId: null, roles: [] } });
    // The same token is for the tenant service alone: every other service refuses it outright.
    for (const other of ['auth', 'audit', 'rights-pipeline'] as const) {
      expect([other, await outcome(bus.call(serviceOperations(other).whoami, {}, asGateway))]).toEqual([other, 'UNAUTHENTICATED']);
    }
    // Refusing it took no call of a service to itself (auth reads its own key set, it cannot answer its own inbox).
    expect(platform.allOutput()).not.toMatch(/Permissions Violation/i);
  } finally {
    await gateway.close();
  }
});

test('gardien provision with a service’s seed instead of the provisioner’s is refused by the bus (exit 77) and changes nothing', () => {
  const secrets = join(dir, 'other-secrets');
  const run = spawnSync(process.execPath, [join(REPO_ROOT, 'apps/cli/dist/main.js'), 'provision', '--secrets-dir', secrets, '--only', 'tenant'], {
    env: { ...process.env, GARDIEN_NATS_URL: nats.url, GARDIEN_NATS_NKEY_SEED_FILE: join(dir, 'seeds', 'tenant.nk'), ...tls('tenant'), GARDIEN_DATABASE_PREFIX: prefix },
    encoding: 'utf8',
  });
  expect(run.status).toBe(77);
  expect(run.stdout).toBe('');
  expect(run.stderr).toContain('the bus refused a JetStream call of the provisioner');
  expect(existsSync(secrets)).toBe(false);
});
