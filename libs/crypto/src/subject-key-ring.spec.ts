import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { CryptoErrorCode, isCryptoError } from './crypto.errors.js';
import { InMemorySubjectKeyStore } from './in-memory-key-stores.js';
import type { SubjectKeyStore, WrappedSubjectKey } from './key-store.port.js';
import { LocalKms } from './local-kms.js';
import { SubjectKeyRing } from './subject-key-ring.js';
import { SwitchableKms } from './testing/switchable-kms.js';
import type { SubjectRef, ValuePlace } from './value-context.js';

/** Counts store calls, and can be made to fail writes. */
class CountingStore implements SubjectKeyStore {
  readonly calls: string[] = [];
  failWrites = false;
  constructor(readonly inner: InMemorySubjectKeyStore = new InMemorySubjectKeyStore()) {}
  get(tenant: string, subject: string) {
    this.calls.push('get');
    return this.inner.get(tenant, subject);
  }
  async putIfAbsent(key: WrappedSubjectKey) {
    this.calls.push('putIfAbsent');
    if (this.failWrites) throw new Error('database unavailable (test)');
    return this.inner.putIfAbsent(key);
  }
  replaceWrapped(tenant: string, subject: string, keyId: string, wrapped: string) {
    this.calls.push('replaceWrapped');
    return this.inner.replaceWrapped(tenant, subject, keyId, wrapped);
  }
  delete(tenant: string, subject: string) {
    this.calls.push('delete');
    return this.inner.delete(tenant, subject);
  }
  deleteAllForTenant(tenant: string) {
    this.calls.push('deleteAllForTenant');
    return this.inner.deleteAllForTenant(tenant);
  }
  wasErased(tenant: string, keyId: string) {
    this.calls.push('wasErased');
    return this.inner.wasErased(tenant, keyId);
  }
  listForTenant(tenant: string, afterSubject: string | undefined, limit: number) {
    return this.inner.listForTenant(tenant, afterSubject, limit);
  }
}

const CANARY = 'canary-4b1d@example.test';
const place = (recordId: string, column = 'email', table = 'users'): ValuePlace => ({ table, recordId, column });

async function errorOf(work: Promise<unknown>): Promise<{ code: string; message: string; details: { recordId?: string } }> {
  try {
    await work;
  } catch (error) {
    if (isCryptoError(error)) return error;
    throw error;
  }
  throw new Error('expected a CryptoError');
}

describe('SubjectKeyRing', () => {
  let dataDir: string;
  let kms: SwitchableKms;
  let store: CountingStore;
  let ring: SubjectKeyRing;
  const tenantA = randomUUID();
  const tenantB = randomUUID();
  const alice: SubjectRef = { tenant: tenantA, subject: 'subject-alice' };
  const bob: SubjectRef = { tenant: tenantA, subject: 'subject-bob' };
  const carol: SubjectRef = { tenant: tenantB, subject: 'subject-carol' };

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gardien-key-ring-'));
    kms = new SwitchableKms(new LocalKms({ service: 'auth', dataDir, masterKey: randomBytes(32) }));
    store = new CountingStore();
    ring = new SubjectKeyRing({ service: 'auth', kms, store });
  });
  afterEach(async () => {
    ring.clearCache();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('encrypts and decrypts values of a subject, creating its key (and the tenant key) on first use', async () => {
    const ciphertext = await ring.encryptFor(alice, place('r1'), CANARY);
    expect(ciphertext).toMatch(/^g1\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(ciphertext).not.toContain('canary');
    expect(await ring.decryptStringFor(alice, place('r1'), ciphertext)).toBe(CANARY);
    const bytes = randomBytes(1024);
    expect((await ring.decryptFor(alice, place('r2', 'blob'), await ring.encryptFor(alice, place('r2', 'blob'), bytes))).equals(bytes)).toBe(true);
    expect(store.inner.size).toBe(1);
    const stored = await store.inner.get(alice.tenant, alice.subject);
    expect(stored?.wrapped).toMatch(/^local:v1:/);
  });

  it('reads with a cold cache (another replica) through the stored wrapped key', async () => {
    const ciphertext = await ring.encryptFor(alice, place('r1'), CANARY);
    const replica = new SubjectKeyRing({ service: 'auth', kms, store });
    expect(await replica.decryptStringFor(alice, place('r1'), ciphertext)).toBe(CANARY);
  });

  it('makes no KMS and no store call on the hot path', async () => {
    const ciphertext = await ring.encryptFor(alice, place('r1'), CANARY);
    const [kmsCalls, storeCalls] = [kms.calls.length, store.calls.length];
    kms.reachable = false;
    for (let i = 0; i < 100; i += 1) {
      await ring.decryptFor(alice, place('r1'), ciphertext);
      await ring.encryptFor(alice, place(`r${i}`), CANARY);
    }
    expect(kms.calls.length).toBe(kmsCalls);
    expect(store.calls.length).toBe(storeCalls);
  });

  describe('a ciphertext moved from its place fails with DECRYPTION_FAILED naming the record it was read from', () => {
    it.each<[string, () => [SubjectRef, ValuePlace]]>([
      ['another row', () => [alice, place('r2')]],
      ['another column', () => [alice, place('r1', 'phone')]],
      ['another table', () => [alice, place('r1', 'email', 'contacts')]],
      ['another subject of the tenant', () => [bob, place('r1')]],
      ['another tenant', () => [carol, place('r1')]],
    ])('%s', async (_, target) => {
      const ciphertext = await ring.encryptFor(alice, place('r1'), CANARY);
      await ring.encryptFor(bob, place('b1'), 'bob data');
      await ring.encryptFor(carol, place('c1'), 'carol data');
      const [subject, where] = target();
      const error = await errorOf(ring.decryptFor(subject, where, ciphertext));
      expect(error.code).toBe(CryptoErrorCode.DecryptionFailed);
      expect(error.details.recordId).toBe(where.recordId);
      expect(error.message).toContain(where.recordId);
      expect(error.message).not.toContain('canary');
    });

    it('also into a subject that has no key at all, and with a cold cache', async () => {
      const ciphertext = await ring.encryptFor(alice, place('r1'), CANARY);
      const replica = new SubjectKeyRing({ service: 'auth', kms, store });
      expect((await errorOf(replica.decryptFor(bob, place('r1'), ciphertext))).code).toBe(CryptoErrorCode.DecryptionFailed);
      expect((await errorOf(replica.decryptFor(carol, place('r1'), ciphertext))).code).toBe(CryptoErrorCode.DecryptionFailed);
    });
  });

  it('refuses altered ciphertexts with DECRYPTION_FAILED naming the record, never garbage', async () => {
    const ciphertext = await ring.encryptFor(alice, place('r1'), CANARY);
    const [prefix, keyId, payload] = ciphertext.split('.') as [string, string, string];
    const flipped = Buffer.from(payload, 'base64url');
    flipped[20] ^= 0x01;
    for (const altered of [`${prefix}.${keyId}.${flipped.toString('base64url')}`, ciphertext.slice(0, -4), `g2.${keyId}.${payload}`, 'not a ciphertext']) {
      const error = await errorOf(ring.decryptFor(alice, place('r1'), altered));
      expect(error.code).toBe(CryptoErrorCode.DecryptionFailed);
      expect(error.message).toContain('r1');
    }
  });

  describe('forgetSubject', () => {
    it("makes every record of the subject raise SUBJECT_ERASED while other subjects' records still read", async () => {
      const aliceRecords = await Promise.all([1, 2, 3].map((i) => ring.encryptFor(alice, place(`a${i}`), `${CANARY}-${i}`)));
      const bobRecord = await ring.encryptFor(bob, place('b1'), 'bob data');
      await ring.forgetSubject(alice.tenant, alice.subject);
      for (const [i, ciphertext] of aliceRecords.entries()) {
        const error = await errorOf(ring.decryptFor(alice, place(`a${i + 1}`), ciphertext));
        expect(error.code).toBe(CryptoErrorCode.SubjectErased);
        expect(error.message).toContain(`a${i + 1}`);
      }
      const replica = new SubjectKeyRing({ service: 'auth', kms, store });
      expect((await errorOf(replica.decryptFor(alice, place('a1'), aliceRecords[0]!))).code).toBe(CryptoErrorCode.SubjectErased);
      expect(await ring.decryptStringFor(bob, place('b1'), bobRecord)).toBe('bob data');
    });

    it('costs one key deletion and no KMS call, whatever the number of records', async () => {
      const costOfForgetting = async (subject: SubjectRef, records: number): Promise<[string[], string[]]> => {
        for (let i = 0; i < records; i += 1) await ring.encryptFor(subject, place(`r${i}`), CANARY);
        const [kmsBefore, storeBefore] = [kms.calls.length, store.calls.length];
        await ring.forgetSubject(subject.tenant, subject.subject);
        return [kms.calls.slice(kmsBefore), store.calls.slice(storeBefore)];
      };
      const few = await costOfForgetting(alice, 10);
      const many = await costOfForgetting(bob, 2_000);
      expect(few).toEqual([[], ['delete']]);
      expect(many).toEqual(few);
    });

    it('keeps old records erased when the subject gets new data (and a new key) afterwards', async () => {
      const old = await ring.encryptFor(alice, place('r1'), CANARY);
      await ring.forgetSubject(alice.tenant, alice.subject);
      const fresh = await ring.encryptFor(alice, place('r2'), 'new data');
      expect(await ring.decryptStringFor(alice, place('r2'), fresh)).toBe('new data');
      expect((await errorOf(ring.decryptFor(alice, place('r1'), old))).code).toBe(CryptoErrorCode.SubjectErased);
    });

    it('reaches other replicas once their cached key expires (bounded time)', async () => {
      let now = 0;
      const replica = new SubjectKeyRing({ service: 'auth', kms, store, cache: { ttlMs: 60_000 }, now: () => now });
      const ciphertext = await ring.encryptFor(alice, place('r1'), CANARY);
      await replica.decryptFor(alice, place('r1'), ciphertext);
      await ring.forgetSubject(alice.tenant, alice.subject);
      now += 60_000;
      expect((await errorOf(replica.decryptFor(alice, place('r1'), ciphertext))).code).toBe(CryptoErrorCode.SubjectErased);
    });

    it('lets a replica that still caches the old key read data written under the new one', async () => {
      const replica = new SubjectKeyRing({ service: 'auth', kms, store });
      await replica.decryptFor(alice, place('r1'), await ring.encryptFor(alice, place('r1'), CANARY));
      await ring.forgetSubject(alice.tenant, alice.subject);
      const fresh = await ring.encryptFor(alice, place('r2'), 'new data');
      expect(await replica.decryptStringFor(alice, place('r2'), fresh)).toBe('new data');
    });

    it('never lets a key loaded while the erasure ran back into the cache', async () => {
      const ciphertext = await ring.encryptFor(alice, place('r1'), CANARY);
      const replica = new SubjectKeyRing({ service: 'auth', kms, store });
      const reading = replica.decryptFor(alice, place('r1'), ciphertext).then(
        () => 'read',
        (error: unknown) => (isCryptoError(error) ? error.code : 'crash'),
      );
      await replica.forgetSubject(alice.tenant, alice.subject);
      expect(await reading).toBe(CryptoErrorCode.SubjectErased);
      expect((await errorOf(replica.decryptFor(alice, place('r1'), ciphertext))).code).toBe(CryptoErrorCode.SubjectErased);
    });
  });

  describe('forgetTenant', () => {
    it("destroys the tenant's KMS key and subject keys: its records say SUBJECT_ERASED, other tenants still read", async () => {
      const aliceRecord = await ring.encryptFor(alice, place('r1'), CANARY);
      const bobRecord = await ring.encryptFor(bob, place('r1'), CANARY);
      const stored = await store.inner.get(alice.tenant, alice.subject);
      const carolRecord = await ring.encryptFor(carol, place('r1'), 'carol data');
      await ring.forgetTenant(tenantA);
      expect(kms.count('destroyTenantKey')).toBe(1);
      await expect(kms.unwrapDataKey({ service: 'auth', tenant: tenantA }, stored!.wrapped)).rejects.toMatchObject({ code: CryptoErrorCode.KeyNotFound });
      expect((await errorOf(ring.decryptFor(alice, place('r1'), aliceRecord))).code).toBe(CryptoErrorCode.SubjectErased);
      expect((await errorOf(ring.decryptFor(bob, place('r1'), bobRecord))).code).toBe(CryptoErrorCode.SubjectErased);
      expect(await ring.decryptStringFor(carol, place('r1'), carolRecord)).toBe('carol data');
    });

    it('deletes nothing when the KMS is unreachable, and completes when it is back', async () => {
      const record = await ring.encryptFor(alice, place('r1'), CANARY);
      kms.reachable = false;
      expect((await errorOf(ring.forgetTenant(tenantA))).code).toBe(CryptoErrorCode.KmsUnavailable);
      expect(await store.inner.get(alice.tenant, alice.subject)).toBeDefined();
      kms.reachable = true;
      expect(await ring.decryptStringFor(alice, place('r1'), record)).toBe(CANARY);
      await ring.forgetTenant(tenantA);
      expect(await store.inner.get(alice.tenant, alice.subject)).toBeUndefined();
    });
  });

  describe('when the KMS is unreachable', () => {
    it('fails a new subject with KMS_UNAVAILABLE, writes nothing, and recovers when the KMS returns', async () => {
      kms.reachable = false;
      expect((await errorOf(ring.encryptFor(alice, place('r1'), CANARY))).code).toBe(CryptoErrorCode.KmsUnavailable);
      expect(store.inner.size).toBe(0);
      kms.reachable = true;
      const ciphertext = await ring.encryptFor(alice, place('r1'), CANARY);
      expect(await ring.decryptStringFor(alice, place('r1'), ciphertext)).toBe(CANARY);
    });

    it('fails a cold read with KMS_UNAVAILABLE (not SUBJECT_ERASED), and reads once the KMS is back', async () => {
      const ciphertext = await ring.encryptFor(alice, place('r1'), CANARY);
      const replica = new SubjectKeyRing({ service: 'auth', kms, store });
      kms.reachable = false;
      expect((await errorOf(replica.decryptFor(alice, place('r1'), ciphertext))).code).toBe(CryptoErrorCode.KmsUnavailable);
      kms.reachable = true;
      expect(await replica.decryptStringFor(alice, place('r1'), ciphertext)).toBe(CANARY);
    });
  });

  it('stores nothing and caches nothing when the key store fails', async () => {
    store.failWrites = true;
    await expect(ring.encryptFor(alice, place('r1'), CANARY)).rejects.toThrow('database unavailable (test)');
    expect(store.inner.size).toBe(0);
    store.failWrites = false;
    const ciphertext = await ring.encryptFor(alice, place('r1'), CANARY);
    expect(await new SubjectKeyRing({ service: 'auth', kms, store }).decryptStringFor(alice, place('r1'), ciphertext)).toBe(CANARY);
  });

  it('creates one key per subject under concurrent first writes, in one replica and across replicas', async () => {
    const replica = new SubjectKeyRing({ service: 'auth', kms, store });
    const writes = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? ring : replica).encryptFor(alice, place(`r${i}`), `${CANARY}-${i}`));
    const ciphertexts = await Promise.all(writes);
    expect(store.inner.size).toBe(1);
    expect(new Set(ciphertexts.map((c) => c.split('.')[1])).size).toBe(1);
    for (const [i, ciphertext] of ciphertexts.entries()) {
      expect(await ring.decryptStringFor(alice, place(`r${i}`), ciphertext)).toBe(`${CANARY}-${i}`);
    }
  });

  it('keeps working with a cache smaller than the working set (keys reload, evicted ones are zeroed)', async () => {
    const small = new SubjectKeyRing({ service: 'auth', kms, store, cache: { maxEntries: 1, ttlMs: 60_000 } });
    const subjects = [alice, bob, carol];
    const records = await Promise.all(subjects.map((subject) => small.encryptFor(subject, place('r1'), subject.subject)));
    const reads = await Promise.all(subjects.map((subject, i) => small.decryptStringFor(subject, place('r1'), records[i]!)));
    expect(reads).toEqual(subjects.map((subject) => subject.subject));
  });

  it('refuses identifiers that are not opaque ids (an email as subject id, a path as tenant)', async () => {
    expect((await errorOf(ring.encryptFor({ tenant: tenantA, subject: CANARY }, place('r1'), 'x'))).code).toBe(CryptoErrorCode.InvalidArgument);
    expect((await errorOf(ring.encryptFor({ tenant: '../x', subject: 's' }, place('r1'), 'x'))).message).not.toContain('../x');
    expect((await errorOf(ring.forgetSubject(tenantA, CANARY))).message).not.toContain('canary');
  });
});
