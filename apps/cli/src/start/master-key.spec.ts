// `gardien start`'s keys: one master key file and one key directory per service, created once in
// development, never in production; a development folder of the shared-key layout is moved.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureServiceKeys, serviceKeysOf } from './master-key.js';

const dir = mkdtempSync(join(tmpdir(), 'gardien-start-keys-'));
const said: string[] = [];
const say = (line: string) => void said.push(line);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  delete process.env.GARDIEN_ENV;
  said.length = 0;
});

test('each service gets its own master key (mode 0600) and key directory, created once', async () => {
  const data = join(dir, 'fresh');
  const keys = await ensureServiceKeys(data, ['auth', 'tenant'], say);
  expect(keys.get('auth')).toEqual({ masterKeyFile: join(data, 'master-keys', 'auth.key'), keyDir: join(data, 'keys', 'auth') });
  const [auth, tenant] = [readFileSync(keys.get('auth')!.masterKeyFile, 'utf8'), readFileSync(keys.get('tenant')!.masterKeyFile, 'utf8')];
  expect(auth).not.toBe(tenant);
  expect(statSync(keys.get('auth')!.masterKeyFile).mode & 0o777).toBe(0o600);
  expect(statSync(keys.get('tenant')!.keyDir).isDirectory()).toBe(true);
  await ensureServiceKeys(data, ['auth', 'tenant'], say);
  expect(readFileSync(keys.get('auth')!.masterKeyFile, 'utf8')).toBe(auth);
});

test('in production a missing master key is never generated', async () => {
  process.env.GARDIEN_ENV = 'production';
  await expect(ensureServiceKeys(join(dir, 'production'), ['audit'], say)).rejects.toThrow(/audit\.key is missing: in production master keys are never generated/);
  expect(existsSync(serviceKeysOf(join(dir, 'production'), 'audit').masterKeyFile)).toBe(false);
});

test('a development folder with one shared key: each keystore moves to its service with a copy of that key', async () => {
  const data = join(dir, 'shared');
  mkdirSync(join(data, 'keys'), { recursive: true });
  writeFileSync(join(data, 'master.key'), 'the-shared-key\n', { mode: 0o600 });
  writeFileSync(join(data, 'keys', 'auth.keystore.json'), '{"sealed":true}');
  const keys = await ensureServiceKeys(data, ['auth', 'tenant'], say);
  expect(readFileSync(join(keys.get('auth')!.keyDir, 'auth.keystore.json'), 'utf8')).toBe('{"sealed":true}');
  expect(readFileSync(keys.get('auth')!.masterKeyFile, 'utf8')).toBe('the-shared-key\n');
  expect(statSync(keys.get('auth')!.masterKeyFile).mode & 0o777).toBe(0o600);
  expect(readFileSync(keys.get('tenant')!.masterKeyFile, 'utf8')).not.toBe('the-shared-key\n');
  expect(existsSync(join(data, 'master.key'))).toBe(false);
  expect(said.join('\n')).toContain('auth: keystore moved');
});
