import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import createVaultClient from 'node-vault';
import { CryptoErrorCode } from './crypto.errors.js';
import { transitKeyName, VaultTransitKms } from './vault-transit-kms.js';
import { FakeVaultTransitServer } from './testing/fake-vault-transit-server.js';
import { describeKmsContract } from './testing/kms.contract.js';

const ROOT_TOKEN = 'root-token-for-tests';

describeKmsContract('VaultTransitKms against the in-test Transit server', async () => {
  const server = new FakeVaultTransitServer({ rootToken: ROOT_TOKEN });
  const endpoint = await server.start();
  return {
    kms: new VaultTransitKms({ endpoint, auth: { method: 'token', token: ROOT_TOKEN } }),
    service: 'auth',
    close: () => server.stop(),
  };
});

const realVault = process.env['VAULT_ADDR'];
if (realVault) {
  describeKmsContract(`VaultTransitKms against the real Vault at VAULT_ADDR`, async () => {
    const token = process.env['VAULT_TOKEN'] ?? '';
    const admin = createVaultClient({ endpoint: realVault, token, debug: () => undefined });
    await admin.write('sys/mounts/transit', { type: 'transit' }).catch(() => undefined); // already mounted is fine
    return {
      kms: new VaultTransitKms({ endpoint: realVault, auth: { method: 'token', token } }),
      service: 'contract-test',
      close: async () => undefined,
    };
  });
} else {
  describe.skip('Kms contract: VaultTransitKms against a real Vault (skipped: VAULT_ADDR is not set)', () => {
    it('runs when VAULT_ADDR and VAULT_TOKEN name a Vault with the Transit engine', () => undefined);
  });
}

describe('VaultTransitKms requests and answers', () => {
  let server: FakeVaultTransitServer;
  let kms: VaultTransitKms;
  const ref = { service: 'auth', tenant: randomUUID() };
  const name = `gardien-auth.${ref.tenant}`;

  beforeEach(async () => {
    server = new FakeVaultTransitServer({ rootToken: ROOT_TOKEN });
    kms = new VaultTransitKms({ endpoint: await server.start(), auth: { method: 'token', token: ROOT_TOKEN }, requestTimeoutMs: 500 });
  });
  afterEach(async () => {
    await server.stop();
  });

  it('names one Transit key per service and tenant, and sends the documented requests', async () => {
    expect(transitKeyName(ref)).toBe(name);
    await kms.ensureTenantKey(ref);
    const { wrapped } = await kms.generateDataKey(ref);
    await kms.rotateTenantKey(ref);
    await kms.rewrap(ref, wrapped);
    await kms.retireVersionsBelow(ref, 2);
    await kms.destroyTenantKey(ref);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST /v1/transit/keys/${name}`,
      `POST /v1/transit/datakey/wrapped/${name}`,
      `POST /v1/transit/decrypt/${name}`,
      `POST /v1/transit/keys/${name}/rotate`,
      `GET /v1/transit/keys/${name}`,
      `POST /v1/transit/rewrap/${name}`,
      `POST /v1/transit/keys/${name}/config`,
      `POST /v1/transit/keys/${name}/config`,
      `DELETE /v1/transit/keys/${name}`,
    ]);
    expect(server.requests.every((r) => r.token === ROOT_TOKEN)).toBe(true);
    expect(server.requests[0]!.body).toEqual({ type: 'aes256-gcm96' });
    expect(server.requests[1]!.body).toEqual({ bits: 256 });
    expect(server.requests[6]!.body).toEqual({ min_decryption_version: 2 });
    expect(server.requests[7]!.body).toEqual({ deletion_allowed: true });
    expect(server.hasKey(name)).toBe(false);
  });

  it('maps a sealed Vault to KMS_SEALED', async () => {
    await kms.ensureTenantKey(ref);
    server.mode = 'sealed';
    await expect(kms.generateDataKey(ref)).rejects.toMatchObject({ code: CryptoErrorCode.KmsSealed, message: expect.stringContaining(name) });
  });

  it('maps a refused token or policy to PERMISSION_DENIED', async () => {
    server.mode = 'denied';
    await expect(kms.ensureTenantKey(ref)).rejects.toMatchObject({ code: CryptoErrorCode.PermissionDenied });
    const stranger = new VaultTransitKms({ endpoint: server.endpoint, auth: { method: 'token', token: 'not-a-token' } });
    server.mode = 'normal';
    await expect(stranger.ensureTenantKey(ref)).rejects.toMatchObject({ code: CryptoErrorCode.PermissionDenied });
  });

  it('maps a missing key to KEY_NOT_FOUND on every operation', async () => {
    await expect(kms.generateDataKey(ref)).rejects.toMatchObject({ code: CryptoErrorCode.KeyNotFound });
    await expect(kms.unwrapDataKey(ref, 'vault:v1:AAAA')).rejects.toMatchObject({ code: CryptoErrorCode.KeyNotFound });
    await expect(kms.rewrap(ref, 'vault:v1:AAAA')).rejects.toMatchObject({ code: CryptoErrorCode.KeyNotFound });
    await expect(kms.rotateTenantKey(ref)).rejects.toMatchObject({ code: CryptoErrorCode.KeyNotFound });
    await expect(kms.retireVersionsBelow(ref, 1)).rejects.toMatchObject({ code: CryptoErrorCode.KeyNotFound });
  });

  it('maps a refused retirement (version beyond the latest) to KMS_REJECTED', async () => {
    await kms.ensureTenantKey(ref);
    await expect(kms.retireVersionsBelow(ref, 5)).rejects.toMatchObject({ code: CryptoErrorCode.KmsRejected });
  });

  it('maps a refused connection and a request that never ends to KMS_UNAVAILABLE', async () => {
    server.mode = 'silent';
    await expect(kms.ensureTenantKey(ref)).rejects.toMatchObject({ code: CryptoErrorCode.KmsUnavailable });
    server.mode = 'normal';
    await server.stop();
    await expect(kms.ensureTenantKey(ref)).rejects.toMatchObject({ code: CryptoErrorCode.KmsUnavailable, message: expect.stringContaining(name) });
  });

  it('recovers when Vault comes back: keys made before the outage still unwrap', async () => {
    await kms.ensureTenantKey(ref);
    const before = await kms.generateDataKey(ref);
    await server.stop();
    await expect(kms.unwrapDataKey(ref, before.wrapped)).rejects.toMatchObject({ code: CryptoErrorCode.KmsUnavailable });
    await expect(kms.generateDataKey(ref)).rejects.toMatchObject({ code: CryptoErrorCode.KmsUnavailable });
    await server.start();
    expect((await kms.unwrapDataKey(ref, before.wrapped)).equals(before.plaintext)).toBe(true);
    expect((await kms.generateDataKey(ref)).plaintext).toHaveLength(32);
  });

  it('destroys idempotently: a key that is already gone is not an error', async () => {
    await expect(kms.destroyTenantKey(ref)).resolves.toBeUndefined();
  });

  it('never puts Vault error text or key material in its errors', async () => {
    await kms.ensureTenantKey(ref);
    const error = await kms.unwrapDataKey(ref, 'vault:v1:bm90IGEgcmVhbCBjaXBoZXJ0ZXh0IGF0IGFsbA==').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: CryptoErrorCode.DecryptionFailed });
    expect(String((error as Error).message)).not.toContain('cipher: message authentication failed');
    expect((error as Error).cause).toBeUndefined();
  });
});

describe('VaultTransitKms authentication from files', () => {
  let server: FakeVaultTransitServer;
  let dir: string;
  const ref = { service: 'audit', tenant: randomUUID() };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gardien-vault-auth-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    server = new FakeVaultTransitServer({ rootToken: ROOT_TOKEN });
    await server.start();
  });
  afterEach(async () => {
    await server.stop();
  });

  it('logs in with AppRole ids read from files, and logs in again when its token is revoked', async () => {
    await writeFile(join(dir, 'role-id'), 'role-audit\n', { mode: 0o600 });
    await writeFile(join(dir, 'secret-id'), 'secret-audit\n', { mode: 0o600 });
    server.addAppRole('role-audit', 'secret-audit');
    const kms = new VaultTransitKms({
      endpoint: server.endpoint,
      auth: { method: 'approle', roleIdFile: join(dir, 'role-id'), secretIdFile: join(dir, 'secret-id') },
    });
    await kms.ensureTenantKey(ref);
    const first = server.requests.find((r) => r.path === '/v1/auth/approle/login');
    expect(first?.body).toEqual({ role_id: 'role-audit', secret_id: 'secret-audit' });
    server.revokeAllTokens();
    await expect(kms.generateDataKey(ref)).resolves.toMatchObject({ wrapped: expect.stringMatching(/^vault:v1:/) });
    expect(server.requests.filter((r) => r.path === '/v1/auth/approle/login')).toHaveLength(2);
  });

  it('refuses to start a request when the AppRole secret is wrong or its file is missing', async () => {
    server.addAppRole('role-audit', 'secret-audit');
    await writeFile(join(dir, 'wrong-secret'), 'guess', { mode: 0o600 });
    const wrong = new VaultTransitKms({
      endpoint: server.endpoint,
      auth: { method: 'approle', roleIdFile: join(dir, 'role-id'), secretIdFile: join(dir, 'wrong-secret') },
    });
    await expect(wrong.ensureTenantKey(ref)).rejects.toMatchObject({ code: CryptoErrorCode.PermissionDenied });
    const missing = new VaultTransitKms({
      endpoint: server.endpoint,
      auth: { method: 'approle', roleIdFile: join(dir, 'role-id'), secretIdFile: join(dir, 'nowhere') },
    });
    await expect(missing.ensureTenantKey(ref)).rejects.toMatchObject({ code: CryptoErrorCode.PermissionDenied });
    expect(server.hasKey(transitKeyName(ref))).toBe(false);
  });

  it('reads a token from a file, and reads it again after Vault refuses it', async () => {
    const tokenFile = join(dir, 'token');
    await writeFile(tokenFile, 'stale-token', { mode: 0o600 });
    const kms = new VaultTransitKms({ endpoint: server.endpoint, auth: { method: 'token-file', tokenFile } });
    await expect(kms.ensureTenantKey(ref)).rejects.toMatchObject({ code: CryptoErrorCode.PermissionDenied });
    await writeFile(tokenFile, ROOT_TOKEN, { mode: 0o600 });
    await expect(kms.ensureTenantKey(ref)).resolves.toBeUndefined();
  });
});
