// `gardien start` with a model catalogue (GARDIEN_MODELS_FILE) that cannot serve: a configuration
// error, so exit 78 before anything is started, naming the file and the first problem (its place
// in the schema), never what the file holds. Postgres and NATS are given at addresses of no
// machine's own (127.0.0.2 is not "local" to start, and nothing answers there): a start that went
// on would fail reaching them, not start them.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { startCommand } from './start.command.js';

class Exited extends Error {
  constructor(readonly code: number | undefined) {
    super(`exit ${code}`);
  }
}

const MARKER = 'private-notes-4242';
let root: string;
const saved = { ...process.env };

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'gardien-start-'));
  process.env.GARDIEN_DATABASE_ADMIN_URL = 'postgres://admin@127.0.0.2:1/postgres';
  process.env.GARDIEN_NATS_URL = 'nats://127.0.0.2:1';
});

afterEach(async () => {
  process.env = { ...saved };
  jest.restoreAllMocks();
  await rm(root, { recursive: true, force: true });
});

async function start(options: { only?: string[] } = {}): Promise<{ code: number | undefined; stderr: string }> {
  let stderr = '';
  jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  jest.spyOn(process, 'exit').mockImplementation((code) => {
    throw new Exited(code === undefined || code === null ? undefined : Number(code));
  });
  try {
    await startCommand({ ...options, dataDir: join(root, 'data') });
  } catch (error) {
    if (error instanceof Exited) return { code: error.code, stderr };
    return { code: 1, stderr: `${stderr}gardien: ${(error as Error).message}\n` };
  }
  throw new Error('expected gardien start to stop');
}

const model = { id: 'm', runtime: 'embedded', name: 'm.gguf', sha256: '0'.repeat(64), capabilities: ['chat'], context_length: 512 };

test.each([
  ['not JSON', `{"models": [ "${MARKER}"`, 'is not JSON'],
  ['a model of an unknown runtime', JSON.stringify({ models: [{ ...model, runtime: MARKER }] }), 'is not valid: models.0.runtime'],
  ['a field the catalogue does not have', JSON.stringify({ models: [], [MARKER]: 1 }), 'is not valid: (root)'],
  ['a digest that is not one', JSON.stringify({ models: [{ ...model, sha256: MARKER }] }), 'is not valid: models.0.sha256'],
])('a catalogue with %s: exit 78, naming the file and the first problem, never its contents; nothing started', async (_what, content, problem) => {
  const file = join(root, 'models.json');
  await writeFile(file, content);
  process.env.GARDIEN_MODELS_FILE = file;
  const { code, stderr } = await start();
  expect(code).toBe(78);
  expect(stderr).toContain(`GARDIEN_MODELS_FILE: the catalogue ${file} ${problem}`);
  expect(stderr).not.toContain(MARKER);
  expect(stderr).not.toMatch(/PostgreSQL|NATS|provision/);
});

test('no file at GARDIEN_MODELS_FILE: exit 78 naming it', async () => {
  process.env.GARDIEN_MODELS_FILE = join(root, 'absent.json');
  const { code, stderr } = await start();
  expect(code).toBe(78);
  expect(stderr).toContain(`GARDIEN_MODELS_FILE: no catalogue at ${join(root, 'absent.json')}`);
});

test('a good catalogue, or none, or a start without the gateway: the catalogue stops nothing (here, the unreachable Postgres does)', async () => {
  const file = join(root, 'models.json');
  await writeFile(file, JSON.stringify({ models: [model] }));
  process.env.GARDIEN_MODELS_FILE = file;
  expect(await start()).toMatchObject({ code: 1, stderr: expect.stringContaining('PostgreSQL at 127.0.0.2:1 does not answer') });
  delete process.env.GARDIEN_MODELS_FILE;
  expect(await start()).toMatchObject({ code: 1, stderr: expect.stringContaining('PostgreSQL at 127.0.0.2:1 does not answer') });
  await writeFile(file, '{');
  process.env.GARDIEN_MODELS_FILE = file;
  expect(await start({ only: ['auth'] })).toMatchObject({ code: 1, stderr: expect.stringContaining('PostgreSQL at 127.0.0.2:1 does not answer') });
});
