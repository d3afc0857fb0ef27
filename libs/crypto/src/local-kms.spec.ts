import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { CryptoErrorCode } from './crypto.errors.js';
import { LocalKms, keystoreFileFor } from './local-kms.js';
import { generateMasterKeyFile, loadMasterKey, readMasterKeyFile } from './master-key.js';
import { describeKmsContract } from './testing/kms.contract.js';

describeKmsContract('LocalKms', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'gardien-local-kms-'));
  return {
    kms: new LocalKms({ service: 'auth', dataDir, masterKey: randomBytes(32) }),
    service: 'auth',
    close: () => rm(dataDir, { recursive: true, force: true }),
  };
});

describe('LocalKms keystore', () => {
  let dataDir: string;
  const ref = { service: 'auth', tenant: randomUUID() };

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gardien-local-kms-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('persists tenant keys: a new instance with the same master key unwraps what the first wrapped', async () => {
    const masterKey = randomBytes(32);
    const first = new LocalKms({ service: 'auth', dataDir, masterKey });
    await first.ensureTenantKey(ref);
    const { plaintext, wrapped } = await first.generateDataKey(ref);
    const second = new LocalKms({ service: 'auth', dataDir, masterKey });
    expect((await second.unwrapDataKey(ref, wrapped)).equals(plaintext)).toBe(true);
  });

  it('writes the keystore with mode 0600, sealed (no key material in clear), and leaves no temporary file', async () => {
    const kms = new LocalKms({ service: 'auth', dataDir, masterKey: randomBytes(32) });
    await kms.ensureTenantKey(ref);
    await kms.rotateTenantKey(ref);
    const file = keystoreFileFor(dataDir, 'auth');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dataDir)).toEqual(['auth.keystore.json']);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(ref.tenant);
    expect(text).not.toContain('versions');
  });

  it('refuses a wrong master key with WRONG_MASTER_KEY naming the keystore file, and gives nothing', async () => {
    await new LocalKms({ service: 'auth', dataDir, masterKey: randomBytes(32) }).ensureTenantKey(ref);
    const intruder = new LocalKms({ service: 'auth', dataDir, masterKey: randomBytes(32) });
    const file = keystoreFileFor(dataDir, 'auth');
    await expect(intruder.generateDataKey(ref)).rejects.toMatchObject({ code: CryptoErrorCode.WrongMasterKey, message: expect.stringContaining(file) });
    await expect(intruder.ensureTenantKey({ ...ref, tenant: randomUUID() })).rejects.toMatchObject({ code: CryptoErrorCode.WrongMasterKey });
  });

  it('refuses a tampered keystore with KEYSTORE_TAMPERED naming the file, and never overwrites it', async () => {
    const masterKey = randomBytes(32);
    await new LocalKms({ service: 'auth', dataDir, masterKey }).ensureTenantKey(ref);
    const file = keystoreFileFor(dataDir, 'auth');
    const document = JSON.parse(await readFile(file, 'utf8')) as { sealed: string };
    const sealed = Buffer.from(document.sealed, 'base64');
    sealed[5] ^= 0x01;
    const tamperedText = JSON.stringify({ ...document, sealed: sealed.toString('base64') });
    await writeFile(file, tamperedText);

    const kms = new LocalKms({ service: 'auth', dataDir, masterKey });
    await expect(kms.generateDataKey(ref)).rejects.toMatchObject({ code: CryptoErrorCode.KeystoreTampered, message: expect.stringContaining(file) });
    await expect(kms.ensureTenantKey({ ...ref, tenant: randomUUID() })).rejects.toMatchObject({ code: CryptoErrorCode.KeystoreTampered });
    expect(await readFile(file, 'utf8')).toBe(tamperedText);
  });

  it('refuses a keystore whose header was altered (another service, not JSON)', async () => {
    const masterKey = randomBytes(32);
    await new LocalKms({ service: 'auth', dataDir, masterKey }).ensureTenantKey(ref);
    const file = keystoreFileFor(dataDir, 'auth');
    const document = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    await writeFile(file, JSON.stringify({ ...document, service: 'audit' }));
    await expect(new LocalKms({ service: 'auth', dataDir, masterKey }).generateDataKey(ref)).rejects.toMatchObject({
      code: CryptoErrorCode.KeystoreTampered,
    });
    await writeFile(file, 'not json');
    await expect(new LocalKms({ service: 'auth', dataDir, masterKey }).generateDataKey(ref)).rejects.toMatchObject({
      code: CryptoErrorCode.KeystoreTampered,
    });
  });

  it("holds only its own service's keys", async () => {
    const kms = new LocalKms({ service: 'auth', dataDir, masterKey: randomBytes(32) });
    await expect(kms.ensureTenantKey({ service: 'audit', tenant: ref.tenant })).rejects.toMatchObject({ code: CryptoErrorCode.PermissionDenied });
  });

  it('changes nothing, on disk or in memory, when the keystore cannot be written', async () => {
    const masterKey = randomBytes(32);
    const kms = new LocalKms({ service: 'auth', dataDir, masterKey });
    await kms.ensureTenantKey(ref);
    const before = await kms.generateDataKey(ref);
    const file = keystoreFileFor(dataDir, 'auth');
    const saved = await readFile(file, 'utf8');
    // A directory in the keystore's place makes the final rename fail, even for root.
    await rm(file);
    await mkdir(join(file, 'blocker'), { recursive: true });
    await expect(kms.rotateTenantKey(ref)).rejects.toMatchObject({ code: CryptoErrorCode.KmsUnavailable, message: expect.stringContaining(file) });
    await rm(file, { recursive: true });
    await writeFile(file, saved, { mode: 0o600 });

    expect(await readdir(dataDir)).toEqual(['auth.keystore.json']);
    expect((await kms.generateDataKey(ref)).wrapped.startsWith('local:v1:')).toBe(true);
    const reopened = new LocalKms({ service: 'auth', dataDir, masterKey });
    expect((await reopened.generateDataKey(ref)).wrapped.startsWith('local:v1:')).toBe(true);
    expect((await reopened.unwrapDataKey(ref, before.wrapped)).equals(before.plaintext)).toBe(true);
  });

  it('rejects malformed wrapped keys and ids that do not fit the alphabet', async () => {
    const kms = new LocalKms({ service: 'auth', dataDir, masterKey: randomBytes(32) });
    await kms.ensureTenantKey(ref);
    await expect(kms.unwrapDataKey(ref, 'garbage')).rejects.toMatchObject({ code: CryptoErrorCode.DecryptionFailed });
    await expect(kms.unwrapDataKey(ref, 'vault:v1:AAAA')).rejects.toMatchObject({ code: CryptoErrorCode.DecryptionFailed });
    await expect(kms.ensureTenantKey({ service: 'auth', tenant: '../etc' })).rejects.toMatchObject({ code: CryptoErrorCode.InvalidArgument });
  });

  it('cannot retire a version that does not exist', async () => {
    const kms = new LocalKms({ service: 'auth', dataDir, masterKey: randomBytes(32) });
    await kms.ensureTenantKey(ref);
    await expect(kms.retireVersionsBelow(ref, 2)).rejects.toMatchObject({ code: CryptoErrorCode.InvalidArgument });
  });

  it('opens from a master key file, generating it only when allowed', async () => {
    const masterKeyFile = join(dataDir, 'secrets', 'master.key');
    await expect(LocalKms.open({ service: 'auth', dataDir, masterKeyFile, generateMasterKeyIfMissing: false })).rejects.toMatchObject({
      code: CryptoErrorCode.MasterKeyInvalid,
      message: expect.stringContaining(masterKeyFile),
    });
    const kms = await LocalKms.open({ service: 'auth', dataDir, masterKeyFile, generateMasterKeyIfMissing: true });
    await kms.ensureTenantKey(ref);
    const { plaintext, wrapped } = await kms.generateDataKey(ref);
    const reopened = await LocalKms.open({ service: 'auth', dataDir, masterKeyFile, generateMasterKeyIfMissing: false });
    expect((await reopened.unwrapDataKey(ref, wrapped)).equals(plaintext)).toBe(true);
  });
});

describe('master key file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gardien-master-key-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is generated with mode 0600 and 32 random bytes, and never overwritten', async () => {
    const file = join(dir, 'master.key');
    await generateMasterKeyFile(file);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const key = await readMasterKeyFile(file);
    expect(key).toHaveLength(32);
    await expect(generateMasterKeyFile(file)).rejects.toMatchObject({ code: CryptoErrorCode.MasterKeyInvalid });
    expect((await readMasterKeyFile(file)).equals(key)).toBe(true);
  });

  it('is refused when readable by others, of the wrong size, or missing (production never generates it)', async () => {
    const open = join(dir, 'open.key');
    await writeFile(open, randomBytes(32).toString('base64'), { mode: 0o644 });
    await expect(readMasterKeyFile(open)).rejects.toMatchObject({ code: CryptoErrorCode.MasterKeyInvalid, message: expect.stringContaining('chmod 600') });
    const short = join(dir, 'short.key');
    await writeFile(short, randomBytes(16).toString('base64'), { mode: 0o600 });
    await expect(readMasterKeyFile(short)).rejects.toMatchObject({ code: CryptoErrorCode.MasterKeyInvalid });
    const missing = join(dir, 'missing.key');
    await expect(loadMasterKey({ file: missing, generateIfMissing: false })).rejects.toMatchObject({ code: CryptoErrorCode.MasterKeyInvalid });
    await expect(stat(missing)).rejects.toThrow();
  });
});
