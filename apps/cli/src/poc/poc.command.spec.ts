// What `gardien poc run` does before it plays anything: the config's defaults are the checklist's,
// a bad config or a missing secret is a usage error (64) that names what is wrong and not its
// value, and a platform that does not answer is exit 2 with a message that says how to start it.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPocConfig, parsePocConfig } from './poc-config.js';
import { POC_EXIT, runPoc } from './poc.command.js';

const dir = mkdtempSync(join(tmpdir(), 'gardien-poc-command-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SECRET = 'a passphrase long enough to pass';
const ENV = { GARDIEN_POC_ADMIN_PASSWORD: SECRET, GARDIEN_POC_TOTP_SECRET: 'JBSWY3DPEHPK3PXP' };

function io(env: NodeJS.ProcessEnv = ENV) {
  let stdout = '';
  let stderr = '';
  return { io: { env, stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) } }, out: () => stdout, err: () => stderr };
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('the defaults are the pre-production checklist’s thresholds', () => {
  expect(defaultPocConfig().thresholds).toEqual({
    response_time_seconds: { percentile: 'p95', warning: 3, critical: 10 },
    error_rate_percent: { warning: 5, critical: 10 },
    identifiers_reaching_runtime: { critical: 0 },
    memory_percent: { warning: 70, critical: 90 },
    cpu_percent: { warning: 70, critical: 90 },
  });
  expect(parsePocConfig({ scenario: { documents: 3 } }).scenario).toMatchObject({ documents: 3, plain_chats: 20, collection: 'documents' });
});

test('a config that does not fit is a usage error naming the field', async () => {
  const file = join(dir, 'bad.json');
  writeFileSync(file, JSON.stringify({ thresholds: { error_rate_percent: { warning: 20, critical: 10 } }, extra: true }));
  const run = io();
  expect(await runPoc({ config: file, tenant: 't', adminEmail: 'admin@t.example' }, run.io)).toBe(POC_EXIT.usage);
  expect(run.err()).toMatch(/thresholds\.error_rate_percent warning must not be above critical/);
  expect(run.err()).toMatch(/unrecognized key/i);
});

test('without a password or second factor: a usage error that says where to put them, never asking for them on the command line', async () => {
  const run = io({});
  expect(await runPoc({ tenant: 't', adminEmail: 'admin@t.example' }, run.io)).toBe(POC_EXIT.usage);
  expect(run.err()).toContain('GARDIEN_POC_ADMIN_PASSWORD or GARDIEN_BOOTSTRAP_PASSWORD; never on the command line');
  expect(run.err()).toContain('GARDIEN_POC_TOTP_SECRET');
});

test('a bootstrap file others may read is refused: it holds TOTP secrets', async () => {
  const file = join(dir, 'bootstrap.json');
  writeFileSync(file, '{}');
  chmodSync(file, 0o644);
  const run = io();
  expect(await runPoc({ bootstrapFile: file, adminEmail: 'admin@t.example' }, run.io)).toBe(POC_EXIT.usage);
  expect(run.err()).toContain('chmod 600');
});

test('a platform that does not answer: exit 2, saying how to start it', async () => {
  const run = io();
  const port = await closedPort();
  expect(await runPoc({ edge: `http://127.0.0.1:${port}`, tenant: 't', adminEmail: 'admin@t.example', out: join(dir, 'never') }, run.io)).toBe(POC_EXIT.couldNotRun);
  expect(run.err()).toContain(`the platform does not answer: http://127.0.0.1:${port} does not answer (ECONNREFUSED)`);
  expect(run.err()).toContain('npm start');
  expect(run.err()).not.toContain(SECRET);
});
