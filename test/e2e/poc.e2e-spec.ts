// The proof of concept as a newcomer runs it: `gardien start` with no model configured (the demo
// model on the embedded runtime), `gardien bootstrap` for the tenant and its admin, then `gardien
// poc run` with bootstrap's output. It plays its scenario through the platform and writes the
// Go/No-Go report: both files are there, the decision is Go, no identifier reached the runtime
// (and the gateway's residual check did scan this scenario's runtime calls), the report says the
// model is the demo model, and the run cleaned up after itself.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrivateNats, REPO_ROOT, dropTestDatabases, freePort, testDatabasePrefix, waitFor } from '@gardien/testing';
import { runCli } from './identity-support.js';

const prefix = testDatabasePrefix();
const CLI = join(REPO_ROOT, 'apps', 'cli', 'dist', 'main.js');
const PASSWORD = 'a passphrase long enough to pass';
const dir = mkdtempSync(join(tmpdir(), 'gardien-poc-e2e-'));
const dataDir = join(dir, 'data');
let nats: PrivateNats;
let platform: ChildProcess;
let output = '';
let env: Record<string, string>;
let port: number;
let metricsBase: number;

const canListen = (candidate: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(candidate, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/** The base of seven free ports in a row: the services' metrics are served at base + their index. */
async function freePortRun(count: number): Promise<number> {
  for (;;) {
    const base = await freePort();
    const rest = await Promise.all(Array.from({ length: count - 1 }, (_, i) => canListen(base + 1 + i)));
    if (rest.every(Boolean)) return base;
  }
}

beforeAll(async () => {
  nats = await PrivateNats.start();
  port = await freePort();
  metricsBase = await freePortRun(7);
  env = {
    GARDIEN_NATS_URL: nats.url,
    GARDIEN_DATABASE_PREFIX: prefix,
    GARDIEN_HTTP_PORT: String(port),
    GARDIEN_METRICS_PORT: String(metricsBase),
  };
  const shell: NodeJS.ProcessEnv = { ...process.env, ...env };
  // A newcomer's shell: no model configured.
  for (const variable of ['GARDIEN_MODELS_FILE', 'GARDIEN_MODELS_DIR', 'GARDIEN_LLM_RUNTIME', 'GARDIEN_OLLAMA_URL', 'GARDIEN_OPENAI_BASE_URL', 'GARDIEN_VECTOR_COLLECTIONS_FILE', 'GARDIEN_EMBEDDING_DIMENSIONS']) delete shell[variable];
  platform = spawn(process.execPath, [CLI, 'start', '--data-dir', dataDir], { cwd: REPO_ROOT, env: shell, stdio: ['ignore', 'pipe', 'pipe'] });
  platform.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  platform.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitFor(async () => output.includes(`Gardien edge: http://127.0.0.1:${port}`), 90_000, 'the edge URL to be printed');
}, 120_000);

afterAll(async () => {
  if (platform?.exitCode === null) {
    platform.kill('SIGINT');
    await new Promise((resolve) => platform.once('exit', resolve));
  }
  await nats?.dispose();
  await dropTestDatabases(prefix);
  rmSync(dir, { recursive: true, force: true });
});

test('after gardien start and gardien bootstrap, gardien poc run writes a Go report: no identifier reached the runtime, on the demo model, said so', async () => {
  const bootstrap = await runCli(
    ['bootstrap', '--admin-email', 'ops@poc.example', '--tenant', 'poc', '--tenant-name', 'POC', '--tenant-admin-email', 'admin@poc.example'],
    { ...env, GARDIEN_BOOTSTRAP_PASSWORD: PASSWORD },
  );
  expect(bootstrap.code).toBe(0);
  const bootstrapFile = join(dir, 'bootstrap.json');
  writeFileSync(bootstrapFile, bootstrap.stdout, { mode: 0o600 });
  const config = join(dir, 'poc.json');
  // Smaller than the default scenario, to keep the test short. The response times of a shared test
  // machine are not the point here (the mechanics are): their thresholds are loosened; the others are the defaults.
  const thresholds = { response_time_seconds: { warning: 30, critical: 60 } };
  writeFileSync(config, JSON.stringify({ scenario: { documents: 4, retrieval_chats: 6, plain_chats: 6, streamed_chats: 6 }, thresholds }));
  const out = join(dir, 'report');

  const run = await runCli(['poc', 'run', '--bootstrap-file', bootstrapFile, '--admin-email', 'admin@poc.example', '--edge', `http://127.0.0.1:${port}`, '--out', out, '--config', config], {
    ...env,
    GARDIEN_BOOTSTRAP_PASSWORD: PASSWORD,
  });
  // On failure, what the run said and its report's verdicts.
  const said = run.code === 0 ? '' : `${run.stdout}${run.stderr}${existsSync(join(out, 'poc-report.md')) ? readFileSync(join(out, 'poc-report.md'), 'utf8') : ''}`;
  expect({ code: run.code, said }).toEqual({ code: 0, said: '' });
  expect(run.stdout).toContain('Go/No-Go: Go; identifiers reaching the runtime: 0 (of those the PII engine recognises');

  expect(existsSync(join(out, 'poc-report.md'))).toBe(true);
  const report = JSON.parse(readFileSync(join(out, 'poc-report.json'), 'utf8'));
  expect(report).toMatchObject({ decision: 'Go', identifiers_reaching_runtime: 0, model: { id: 'gardien-demo', demo: true }, blocking: [] });
  // The zero means something: the gateway scanned at least one runtime call per answered chat and stored document.
  expect(report.figures.residual).toMatchObject({ measured: true, identifiers: 0, failures: 0 });
  expect(report.figures.residual.checks).toBeGreaterThanOrEqual(22);
  expect(report.figures.planted).toEqual({ total: expect.any(Number), missed: 0 });
  expect(report.figures.errors).toEqual({ attempts: 22, errors: 0, percent: 0 });
  expect(report.scenario.retrievals_with_chunks).toBe(6);
  expect(report.figures.operations.find((operation: { operation: string }) => operation.operation === 'streamed_chat').time_to_first_token_ms.count).toBe(6);
  // Every service's process was read for its memory and CPU.
  expect(report.figures.resources.services.map((service: { rss_peak_bytes: number | null }) => service.rss_peak_bytes).every((bytes: number | null) => (bytes ?? 0) > 0)).toBe(true);
  expect(report.left_on_platform.filter((what: string) => what.includes('could not be deleted'))).toEqual([]);

  const markdown = readFileSync(join(out, 'poc-report.md'), 'utf8');
  expect(markdown).toContain('**Décision (decision) : GO**');
  expect(markdown).toContain('**Modèle de démonstration.**');
  // The report holds no identifier of the scenario: only figures and codes.
  expect(markdown).not.toMatch(/FR\d{2} \d{4}|@(?:exemple|courriel-exemple|mutuelle-exemple|cabinet-exemple)\.|0[67] \d\d \d\d/);
}, 120_000);
