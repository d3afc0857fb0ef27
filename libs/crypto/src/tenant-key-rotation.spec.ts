import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { BlindIndex } from './blind-index.js';
import { CryptoErrorCode } from './crypto.errors.js';
import { InMemorySubjectKeyStore, InMemoryTenantKeyStore } from './in-memory-key-stores.js';
import { wrappedKeyVersion, type Kms } from './kms.port.js';
import { LocalKms } from './local-kms.js';
import { SubjectKeyRing } from './subject-key-ring.js';
import { rotateTenantKey } from './tenant-key-rotation.js';
import { FakeVaultTransitServer } from './testing/fake-vault-transit-server.js';
import { VaultTransitKms } from './vault-transit-kms.js';

interface Backend {
  kms: Kms;
  close(): Promise<void>;
}

const backends: Array<[string, () => Promise<Backend>]> = [
  [
    'LocalKms',
    async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'gardien-rotation-'));
      return { kms: new LocalKms({ service: 'auth', dataDir, masterKey: randomBytes(32) }), close: () => rm(dataDir, { recursive: true, force: true }) };
    },
  ],
  [
    'VaultTransitKms (in-test Transit server)',
    async () => {
      const server = new FakeVaultTransitServer({ rootToken: 'root' });
      const endpoint = await server.start();
      return { kms: new VaultTransitKms({ endpoint, auth: { method: 'token', token: 'root' } }), close: () => server.stop() };
    },
  ],
];

describe.each(backends)('rotating a tenant key with %s', (_, open) => {
  let backend: Backend;
  const tenant = randomUUID();
  const ref = { service: 'auth', tenant };
  const subjects = Array.from({ length: 7 }, (_, i) => ({ tenant, subject: `subject-${i}` }));
  const place = (i: number) => ({ table: 'notes', recordId: `n${i}`, column: 'body' });

  beforeEach(async () => {
    backend = await open();
  });
  afterEach(async () => {
    await backend.close();
  });

  it('keeps records written before and after readable, rewraps every key, then retires the old version', async () => {
    const subjectKeys = new InMemorySubjectKeyStore();
    const tenantKeys = new InMemoryTenantKeyStore();
    const ring = new SubjectKeyRing({ service: 'auth', kms: backend.kms, store: subjectKeys });
    const index = new BlindIndex({ service: 'auth', kms: backend.kms, store: tenantKeys });
    const before = await Promise.all(subjects.map((subject, i) => ring.encryptFor(subject, place(i), `before ${i}`)));
    const lookup = await index.email(tenant, 'email', 'dan@example.test');
    const oldWrapped = (await subjectKeys.get(tenant, 'subject-0'))!.wrapped;

    const result = await rotateTenantKey(ref, { kms: backend.kms, subjectKeys, tenantKeys, pageSize: 3 });
    expect(result).toEqual({ latestVersion: 2, rewrapped: subjects.length + 1 });

    const after = await ring.encryptFor({ tenant, subject: 'subject-new' }, place(99), 'after');
    const cold = new SubjectKeyRing({ service: 'auth', kms: backend.kms, store: subjectKeys });
    for (const [i, subject] of subjects.entries()) {
      expect(await cold.decryptStringFor(subject, place(i), before[i]!)).toBe(`before ${i}`);
    }
    expect(await cold.decryptStringFor({ tenant, subject: 'subject-new' }, place(99), after)).toBe('after');
    expect(await new BlindIndex({ service: 'auth', kms: backend.kms, store: tenantKeys }).email(tenant, 'email', 'dan@example.test')).toBe(lookup);

    const stored = await subjectKeys.listForTenant(tenant, undefined, 100);
    expect(stored.map((key) => wrappedKeyVersion(key.wrapped))).toEqual(stored.map(() => 2));
    await expect(backend.kms.unwrapDataKey(ref, oldWrapped)).rejects.toMatchObject({ code: CryptoErrorCode.KeyVersionRetired });
  });

  it('does not retire anything when the KMS fails midway, and completes when run again', async () => {
    const subjectKeys = new InMemorySubjectKeyStore();
    const tenantKeys = new InMemoryTenantKeyStore();
    const ring = new SubjectKeyRing({ service: 'auth', kms: backend.kms, store: subjectKeys });
    const records = await Promise.all(subjects.map((subject, i) => ring.encryptFor(subject, place(i), `v ${i}`)));
    let rewraps = 0;
    const flaky: Kms = {
      ...backend.kms,
      ensureTenantKey: (r) => backend.kms.ensureTenantKey(r),
      generateDataKey: (r) => backend.kms.generateDataKey(r),
      unwrapDataKey: (r, w) => backend.kms.unwrapDataKey(r, w),
      rotateTenantKey: (r) => backend.kms.rotateTenantKey(r),
      retireVersionsBelow: (r, v) => backend.kms.retireVersionsBelow(r, v),
      destroyTenantKey: (r) => backend.kms.destroyTenantKey(r),
      rewrap: async (r, w) => {
        rewraps += 1;
        if (rewraps === 4) throw Object.assign(new Error('unreachable'), { code: CryptoErrorCode.KmsUnavailable });
        return backend.kms.rewrap(r, w);
      },
    };
    await expect(rotateTenantKey(ref, { kms: flaky, subjectKeys, tenantKeys })).rejects.toThrow('unreachable');
    const cold = new SubjectKeyRing({ service: 'auth', kms: backend.kms, store: subjectKeys });
    for (const [i, subject] of subjects.entries()) expect(await cold.decryptStringFor(subject, place(i), records[i]!)).toBe(`v ${i}`);

    await rotateTenantKey(ref, { kms: backend.kms, subjectKeys, tenantKeys });
    const again = new SubjectKeyRing({ service: 'auth', kms: backend.kms, store: subjectKeys });
    for (const [i, subject] of subjects.entries()) expect(await again.decryptStringFor(subject, place(i), records[i]!)).toBe(`v ${i}`);
  });
});
