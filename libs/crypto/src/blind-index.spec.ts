import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { BlindIndex, normaliseEmail } from './blind-index.js';
import { CryptoErrorCode } from './crypto.errors.js';
import { InMemoryTenantKeyStore } from './in-memory-key-stores.js';
import { LocalKms } from './local-kms.js';
import { SwitchableKms } from './testing/switchable-kms.js';

describe('BlindIndex', () => {
  let dataDir: string;
  let kms: SwitchableKms;
  let store: InMemoryTenantKeyStore;
  let index: BlindIndex;
  const tenantA = randomUUID();
  const tenantB = randomUUID();

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gardien-blind-index-'));
    kms = new SwitchableKms(new LocalKms({ service: 'auth', dataDir, masterKey: randomBytes(32) }));
    store = new InMemoryTenantKeyStore();
    index = new BlindIndex({ service: 'auth', kms, store });
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('gives the same index for the same email however it is typed, and never the email itself', async () => {
    const value = await index.email(tenantA, 'email', 'Alice.Martin@Example.TEST');
    expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await index.email(tenantA, 'email', '  alice.martin@example.test ')).toBe(value);
    expect(value.toLowerCase()).not.toContain('alice');
    expect(await index.email(tenantA, 'email', 'alice.martin@example.tes')).not.toBe(value);
  });

  it('is stable across replicas and restarts (the key is stored wrapped, not regenerated)', async () => {
    const value = await index.email(tenantA, 'email', 'bob@example.test');
    const replica = new BlindIndex({ service: 'auth', kms, store });
    expect(await replica.email(tenantA, 'email', 'bob@example.test')).toBe(value);
    expect((await store.listForTenant(tenantA)).map((key) => key.wrapped)).toEqual([expect.stringMatching(/^local:v1:/)]);
  });

  it('differs between tenants, fields and services for the same value', async () => {
    const value = await index.email(tenantA, 'email', 'bob@example.test');
    expect(await index.email(tenantB, 'email', 'bob@example.test')).not.toBe(value);
    expect(await index.email(tenantA, 'recovery_email', 'bob@example.test')).not.toBe(value);
    const otherDir = await mkdtemp(join(tmpdir(), 'gardien-blind-index-'));
    try {
      // Each service has its own database, hence its own key store.
      const otherKms = new LocalKms({ service: 'audit', dataDir: otherDir, masterKey: randomBytes(32) });
      const other = new BlindIndex({ service: 'audit', kms: otherKms, store: new InMemoryTenantKeyStore() });
      expect(await other.email(tenantA, 'email', 'bob@example.test')).not.toBe(value);
    } finally {
      await rm(otherDir, { recursive: true, force: true });
    }
  });

  it('computes from the cache without calling the KMS, and fails cold with KMS_UNAVAILABLE', async () => {
    const value = await index.compute(tenantA, 'phone', '+33600000000');
    kms.reachable = false;
    expect(await index.compute(tenantA, 'phone', '+33600000000')).toBe(value);
    await expect(new BlindIndex({ service: 'auth', kms, store }).compute(tenantA, 'phone', '+33600000000')).rejects.toMatchObject({
      code: CryptoErrorCode.KmsUnavailable,
    });
  });

  it('no longer matches old indexes once the tenant is forgotten', async () => {
    const value = await index.email(tenantA, 'email', 'carol@example.test');
    await index.forgetTenant(tenantA);
    expect(await store.listForTenant(tenantA)).toEqual([]);
    expect(await index.email(tenantA, 'email', 'carol@example.test')).not.toBe(value);
  });

  it('normalises emails by trimming and lower-casing only', () => {
    expect(normaliseEmail('  Ève@Exemple.FR\n')).toBe('ève@exemple.fr');
  });

  it('refuses field names that are not identifiers', async () => {
    await expect(index.compute(tenantA, 'e-mail; drop', 'x')).rejects.toMatchObject({ code: CryptoErrorCode.InvalidArgument });
  });
});
