// The platform running on a nats-server configured by `gardien nats-config`: every process
// connects with its own nkey and its least-privilege permissions (the provisioning step as the
// provisioner, which alone may create the streams and consumers), and everything still works.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_SERVICES, BUS_SERVICES, PROVISIONER_USER } from '@gardien/contracts';
import { PlatformProcesses, PrivateNats, REPO_ROOT, dropTestDatabases, testDatabasePrefix } from '@gardien/testing';

const prefix = testDatabasePrefix();
const dir = mkdtempSync(join(tmpdir(), 'gardien-bus-auth-'));
let nats: PrivateNats;
let platform: PlatformProcesses;

beforeAll(async () => {
  const generated = spawnSync(
    process.execPath,
    [join(REPO_ROOT, 'apps/cli/dist/main.js'), 'nats-config', '--out', join(dir, 'nats.conf'), '--seeds-dir', join(dir, 'seeds'), '--store-dir', join(dir, 'js')],
    { encoding: 'utf8' },
  );
  expect(generated.status).toBe(0);
  expect(readFileSync(join(dir, 'nats.conf'), 'utf8')).not.toMatch(/SU[A-Z2-7]{56}/);
  nats = await PrivateNats.start(join(dir, 'nats.conf'));
  platform = await PlatformProcesses.start({
    databasePrefix: prefix,
    natsUrl: nats.url,
    serviceEnv: Object.fromEntries(ALL_SERVICES.map((s) => [s, { GARDIEN_NATS_NKEY_SEED_FILE: join(dir, 'seeds', `${s}.nk`) }])),
    provisionEnv: { GARDIEN_NATS_NKEY_SEED_FILE: join(dir, 'seeds', `${PROVISIONER_USER}.nk`) },
  });
});

afterAll(async () => {
  await platform?.dispose();
  await nats?.dispose();
  rmSync(dir, { recursive: true, force: true });
  await dropTestDatabases(prefix);
});

test('with one nkey user per process, every service is up and answers through the edge', async () => {
  const response = await fetch(`${platform.edgeUrl}/health`);
  expect(await response.json()).toEqual({ status: 'ok', services: Object.fromEntries(BUS_SERVICES.map((s) => [s, 'up'])) });
  expect((await fetch(`${platform.edgeUrl}/api/v1/status/rights-pipeline`)).status).toBe(200);
  expect(platform.allOutput()).not.toMatch(/Permissions Violation|Authorization Violation/i);
});

test('gardien provision with a service’s seed instead of the provisioner’s is refused by the bus (exit 77) and changes nothing', () => {
  const secrets = join(dir, 'other-secrets');
  const run = spawnSync(process.execPath, [join(REPO_ROOT, 'apps/cli/dist/main.js'), 'provision', '--secrets-dir', secrets, '--only', 'tenant'], {
    env: { ...process.env, GARDIEN_NATS_URL: nats.url, GARDIEN_NATS_NKEY_SEED_FILE: join(dir, 'seeds', 'tenant.nk'), GARDIEN_DATABASE_PREFIX: prefix },
    encoding: 'utf8',
  });
  expect(run.status).toBe(77);
  expect(run.stdout).toBe('');
  expect(run.stderr).toContain('the bus refused a JetStream call of the provisioner');
  expect(existsSync(secrets)).toBe(false);
});
