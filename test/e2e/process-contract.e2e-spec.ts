// What an operator relies on from every process: a bad configuration stops it with the name of
// the variable (never the value) and exit code 78; a running service serves Prometheus metrics.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PlatformProcesses, PrivateNats, REPO_ROOT, dropTestDatabases, testDatabasePrefix } from '@gardien/testing';

test.each(['edge-api', 'auth'])('%s refuses a bad configuration, naming the variable only', (service) => {
  const secretLooking = 'nats//user:S3cr3tValue@host';
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'apps', service, 'dist', 'main.js')], {
    env: { ...process.env, GARDIEN_DATABASE_URL: 'postgres://gardien_auth_app@127.0.0.1/gardien_auth', GARDIEN_NATS_URL: secretLooking, GARDIEN_LOG_LEVEL: 'loud' },
    encoding: 'utf8',
    timeout: 20_000,
  });
  expect(result.status).toBe(78);
  const report = JSON.parse(result.stderr.trim().split('\n').at(-1)!);
  expect(report).toMatchObject({ level: 'fatal', msg: 'invalid configuration' });
  expect(report.variables.sort()).toEqual(['GARDIEN_LOG_LEVEL', 'GARDIEN_NATS_URL']);
  expect(result.stdout + result.stderr).not.toContain('S3cr3tValue');
  expect(result.stdout + result.stderr).not.toContain('loud');
});

test('a service whose keystore is opened with the wrong master key refuses to start, naming the file', async () => {
  const prefix = testDatabasePrefix();
  const nats = await PrivateNats.start();
  const platform = await PlatformProcesses.start({ databasePrefix: prefix, natsUrl: nats.url, services: ['audit'] });
  try {
    await platform.kill('audit', 'SIGTERM');
    const wrongKey = join(platform.dataDir, 'other.key');
    writeFileSync(wrongKey, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    await expect(platform.launch('audit', 'audit-wrong-key', { GARDIEN_MASTER_KEY_FILE: wrongKey })).rejects.toThrow(/exited with code 1/);
    const fatal = platform.lines.find((l) => l.process === 'audit-wrong-key' && l.line.includes('"level":"fatal"'));
    expect(JSON.parse(fatal!.line).err).toMatchObject({ type: 'CryptoError', code: 'WRONG_MASTER_KEY' });
    expect(fatal!.line).toContain(platform.dataDir);
  } finally {
    await platform.dispose();
    await nats.dispose();
    await dropTestDatabases(prefix);
  }
});

test('the gateway refuses a model catalogue that is not one: exit 78, naming the variable, the file and the first problem, never what the file holds', async () => {
  const prefix = testDatabasePrefix();
  const nats = await PrivateNats.start();
  const platform = await PlatformProcesses.start({ databasePrefix: prefix, natsUrl: nats.url, services: ['llm-gateway'] });
  try {
    await platform.kill('llm-gateway', 'SIGTERM');
    const notJson = join(platform.dataDir, 'not-json.json');
    writeFileSync(notJson, '{"models": [ jean.dupont@example.fr');
    const notCatalogue = join(platform.dataDir, 'not-a-catalogue.json');
    writeFileSync(notCatalogue, JSON.stringify({ models: [{ id: 'assistant', runtime: 'ollama', name: 'x', sha256: 'jean.dupont@example.fr', capabilities: ['chat'], context_length: 8 }] }));
    for (const [file, problem] of [[notJson, 'is not JSON'], [notCatalogue, 'models.0.sha256']] as const) {
      const name = `gateway-${problem.replace(/\W+/g, '-')}`;
      await expect(platform.launch('llm-gateway', name, { GARDIEN_MODELS_FILE: file })).rejects.toThrow(/exited with code 78/);
      const lines = platform.lines.filter((l) => l.process === name).map((l) => l.line);
      const fatal = JSON.parse(lines.find((line) => line.includes('"level":"fatal"'))!) as { msg: string; variable?: string; problem?: string };
      expect(fatal).toMatchObject({ msg: 'invalid configuration', variable: 'GARDIEN_MODELS_FILE' });
      expect(fatal.problem).toContain(file);
      expect(fatal.problem).toContain(problem);
      expect(lines.join('\n')).not.toContain('dupont');
    }
    // A variable checked only once the catalogue is read (the embedded runtime's models folder): 78 too, naming it.
    const embeddedCatalogue = join(platform.dataDir, 'embedded-catalogue.json');
    writeFileSync(embeddedCatalogue, JSON.stringify({ models: [{ id: 'local', runtime: 'embedded', name: 'local.gguf', sha256: 'a'.repeat(64), capabilities: ['chat'], context_length: 512 }] }));
    await expect(platform.launch('llm-gateway', 'gateway-no-models-dir', { GARDIEN_MODELS_FILE: embeddedCatalogue, GARDIEN_LLM_RUNTIME: 'embedded', GARDIEN_MODELS_DIR: '' })).rejects.toThrow(/exited with code 78/);
    const fatal = platform.lines.find((l) => l.process === 'gateway-no-models-dir' && l.line.includes('"level":"fatal"'));
    expect(JSON.parse(fatal!.line)).toMatchObject({ msg: 'invalid configuration', variables: ['GARDIEN_MODELS_DIR'] });
  } finally {
    await platform.dispose();
    await nats.dispose();
    await dropTestDatabases(prefix);
  }
});

describe('metrics', () => {
  const prefix = testDatabasePrefix();
  let nats: PrivateNats;
  let platform: PlatformProcesses;

  beforeAll(async () => {
    nats = await PrivateNats.start();
    platform = await PlatformProcesses.start({ databasePrefix: prefix, natsUrl: nats.url, services: ['tenant', 'edge-api'] });
  });

  afterAll(async () => {
    await platform?.dispose();
    await nats?.dispose();
    await dropTestDatabases(prefix);
  });

  function metricsPortOf(process: string): number {
    const line = platform.lines.find((l) => l.process === process && l.line.includes('"metricsPort"'));
    return JSON.parse(line!.line).metricsPort;
  }

  test('each process serves handler latency, errors and process metrics on its internal port', async () => {
    await fetch(`${platform.edgeUrl}/api/v1/status/tenant`);
    await fetch(`${platform.edgeUrl}/api/v1/status/nowhere`);
    const tenant = await (await fetch(`http://127.0.0.1:${metricsPortOf('tenant')}/metrics`)).text();
    expect(tenant).toMatch(/gardien_handler_duration_seconds_count\{service="tenant",handler="gardien.v1.tenant.health",outcome="ok"\} [1-9]/);
    expect(tenant).toContain('process_resident_memory_bytes{service="tenant"}');
    const edge = await (await fetch(`http://127.0.0.1:${metricsPortOf('edge-api')}/metrics`)).text();
    expect(edge).toMatch(/gardien_handler_duration_seconds_count\{service="edge-api",handler="GET \/api\/v1\/status\/:service",outcome="ok"\} 1/);
    expect(edge).toMatch(/gardien_handler_errors_total\{handler="GET \/api\/v1\/status\/:service",code="404",service="edge-api"\} 1/);
    expect(edge).not.toContain('nowhere');
  });
});
