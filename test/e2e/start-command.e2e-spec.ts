// What `npm start` runs after install and build: `gardien start`. It provisions, brings every
// service up (each with its own credentials and master key), /health follows a service killed and
// brought back with `gardien start --only`, and Ctrl-C stops every process within 10 s.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUS_SERVICES } from '@gardien/contracts';
import { PrivateNats, REPO_ROOT, dropTestDatabases, freePort, testDatabasePrefix, waitFor } from '@gardien/testing';
import { runCli } from './identity-support.js';

const prefix = testDatabasePrefix();
const CLI = join(REPO_ROOT, 'apps', 'cli', 'dist', 'main.js');
let nats: PrivateNats;
let port: number;
let env: NodeJS.ProcessEnv;
const started: ChildProcess[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'gardien-start-'));

function gardienStart(...args: string[]): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [CLI, 'start', '--data-dir', dataDir, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

function childrenOf(pid: number): Array<{ pid: number; args: string }> {
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' }).trim();
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [pidText, ...rest] = line.trim().split(/\s+/);
      return { pid: Number(pidText), args: rest.join(' ') };
    });
}

interface HealthBody {
  status: string;
  services: Record<string, string>;
}

async function health(): Promise<{ status: number; body: HealthBody }> {
  const response = await fetch(`http://127.0.0.1:${port}/health`);
  return { status: response.status, body: (await response.json()) as HealthBody };
}

beforeAll(async () => {
  nats = await PrivateNats.start();
  port = await freePort();
  env = {
    ...process.env,
    GARDIEN_NATS_URL: nats.url,
    GARDIEN_DATABASE_PREFIX: prefix,
    GARDIEN_HTTP_PORT: String(port),
    GARDIEN_METRICS_PORT: '0',
  };
});

afterAll(async () => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
  await nats?.dispose();
  await dropTestDatabases(prefix);
  rmSync(dataDir, { recursive: true, force: true });
});

test('gardien start: all up, a killed service down then back, Ctrl-C stops everything within 10 s', async () => {
  const main = gardienStart();
  await waitFor(async () => main.output().includes(`Gardien edge: http://127.0.0.1:${port}`), 60_000, 'the edge URL to be printed');
  expect((await health()).status).toBe(200);
  // In development each service's master key is created once, readable by its owner only, and its
  // runtime credentials are a file of its own, written by the provisioning step.
  const masterKeys = BUS_SERVICES.map((service) => join(dataDir, 'master-keys', `${service}.key`));
  for (const file of masterKeys) expect([file, statSync(file).mode & 0o777]).toEqual([file, 0o600]);
  expect(new Set(masterKeys.map((file) => readFileSync(file, 'utf8'))).size).toBe(BUS_SERVICES.length);
  for (const service of BUS_SERVICES) expect(statSync(join(dataDir, 'secrets', service, 'database.url')).mode & 0o777).toBe(0o600);
  const children = childrenOf(main.child.pid!);
  expect(children.filter((c) => c.args.includes('/dist/main.js'))).toHaveLength(7);

  const audit = children.find((c) => c.args.includes(join('apps', 'audit', 'dist')))!;
  process.kill(audit.pid, 'SIGKILL');
  const killedAt = Date.now();
  await waitFor(async () => (await health()).status === 503, 5_000, '/health to report the killed service');
  expect(Date.now() - killedAt).toBeLessThan(5_000);
  expect((await health()).body).toEqual({
    status: 'degraded',
    services: { ...Object.fromEntries(BUS_SERVICES.map((s) => [s, 'up'])), audit: 'down' },
  });

  // Data encrypted under this run's keys, for the next test: the super-admin and a first tenant.
  const bootstrap = await runCli(['bootstrap', '--admin-email', 'root@platform.example', '--tenant', 'tenant-a', '--tenant-name', 'A', '--tenant-admin-email', 'admin@a.example'], {
    GARDIEN_NATS_URL: nats.url,
    GARDIEN_BOOTSTRAP_PASSWORD: 'correct horse battery staple 42',
  });
  expect(bootstrap.code).toBe(0);

  const again = gardienStart('--only', 'audit');
  await waitFor(async () => (await health()).status === 200, 30_000, '/health to be ok again');

  const allPids = [main.child.pid!, ...childrenOf(main.child.pid!).map((c) => c.pid), again.child.pid!, ...childrenOf(again.child.pid!).map((c) => c.pid)];
  const stoppedAt = Date.now();
  main.child.kill('SIGINT');
  again.child.kill('SIGINT');
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  await waitFor(async () => allPids.every((pid) => !alive(pid)), 10_000, 'every process to stop', 100);
  expect(Date.now() - stoppedAt).toBeLessThan(10_000);
});

test('started again without the keys of the databases it finds, it says so and starts nothing; with them put back, it starts', async () => {
  const kept = `${dataDir}-kept`;
  renameSync(dataDir, kept);
  const refused = gardienStart();
  const code = await new Promise<number | null>((resolve) => refused.child.once('exit', resolve));
  expect(code).toBe(78);
  expect(refused.output()).toMatch(/auth: database \S+ holds encrypted data; missing \S+auth\.key/);
  expect(refused.output()).not.toContain('services up');
  await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();

  rmSync(dataDir, { recursive: true, force: true });
  renameSync(kept, dataDir);
  const restored = gardienStart();
  await waitFor(async () => restored.output().includes(`Gardien edge: http://127.0.0.1:${port}`), 60_000, 'the edge URL to be printed');
  expect((await health()).status).toBe(200);
  restored.child.kill('SIGINT');
  await new Promise((resolve) => restored.child.once('exit', resolve));
}, 120_000);
