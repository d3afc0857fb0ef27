// The platform running on a nats-server configured by `gardien nats-config --production
// --tls-generate`: every process connects over mutual TLS with its own certificate, its own nkey and
// its least-privilege permissions, and everything still works.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_SERVICES, BUS_SERVICES } from '@gardien/contracts';
import { PlatformProcesses, PrivateNats, REPO_ROOT, dropTestDatabases, testDatabasePrefix } from '@gardien/testing';

const prefix = testDatabasePrefix();
const dir = mkdtempSync(join(tmpdir(), 'gardien-bus-auth-'));
let nats: PrivateNats;
let platform: PlatformProcesses;

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
  const tls = (service: string) => ({
    GARDIEN_NATS_TLS_CA_FILE: join(dir, 'tls', 'ca.pem'),
    GARDIEN_NATS_TLS_CERT_FILE: join(dir, 'tls', `${service}.pem`),
    GARDIEN_NATS_TLS_KEY_FILE: join(dir, 'tls', `${service}-key.pem`),
  });
  platform = await PlatformProcesses.start({
    databasePrefix: prefix,
    natsUrl: nats.url,
    serviceEnv: Object.fromEntries(ALL_SERVICES.map((s) => [s, { GARDIEN_NATS_NKEY_SEED_FILE: join(dir, 'seeds', `${s}.nk`), ...tls(s) }])),
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
