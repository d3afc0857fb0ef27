// The contract every Kms adapter passes: round trip, tenant isolation, rotation with rewrap and
// retirement, destruction. Each test uses fresh tenants, so it can run against a shared Vault.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CryptoErrorCode } from '../crypto.errors.js';
import { wrappedKeyVersion, type Kms, type TenantKeyRef } from '../kms.port.js';

export interface KmsContractSubject {
  kms: Kms;
  service: string;
  close(): Promise<void>;
}

export function describeKmsContract(name: string, setup: () => Promise<KmsContractSubject>): void {
  describe(`Kms contract: ${name}`, () => {
    let subject: KmsContractSubject;
    const tenant = (): TenantKeyRef => ({ service: subject.service, tenant: randomUUID() });
    const withKey = async (): Promise<TenantKeyRef> => {
      const ref = tenant();
      await subject.kms.ensureTenantKey(ref);
      return ref;
    };

    beforeAll(async () => {
      subject = await setup();
    });
    afterAll(async () => {
      await subject.close();
    });

    it('generates a 256-bit data key whose wrapped form unwraps to it and does not reveal it', async () => {
      const ref = await withKey();
      const { plaintext, wrapped } = await subject.kms.generateDataKey(ref);
      expect(plaintext).toHaveLength(32);
      expect(wrapped).not.toContain(plaintext.toString('base64'));
      expect(wrapped).not.toContain(plaintext.toString('hex'));
      expect((await subject.kms.unwrapDataKey(ref, wrapped)).equals(plaintext)).toBe(true);
    });

    it('creates tenant keys idempotently', async () => {
      const ref = await withKey();
      const { plaintext, wrapped } = await subject.kms.generateDataKey(ref);
      await subject.kms.ensureTenantKey(ref);
      expect((await subject.kms.unwrapDataKey(ref, wrapped)).equals(plaintext)).toBe(true);
    });

    it('refuses data keys for a tenant that has no key', async () => {
      await expect(subject.kms.generateDataKey(tenant())).rejects.toMatchObject({ code: CryptoErrorCode.KeyNotFound });
    });

    it("never unwraps, with one tenant's key, a data key wrapped for another tenant", async () => {
      const a = await withKey();
      const b = await withKey();
      const { wrapped } = await subject.kms.generateDataKey(b);
      await expect(subject.kms.unwrapDataKey(a, wrapped)).rejects.toMatchObject({ code: CryptoErrorCode.DecryptionFailed });
      await expect(subject.kms.rewrap(a, wrapped)).rejects.toMatchObject({ code: CryptoErrorCode.DecryptionFailed });
      await expect(subject.kms.unwrapDataKey(tenant(), wrapped)).rejects.toMatchObject({ code: CryptoErrorCode.KeyNotFound });
    });

    it('refuses an altered wrapped key', async () => {
      const ref = await withKey();
      const { wrapped } = await subject.kms.generateDataKey(ref);
      const at = wrapped.length - 10;
      const altered = wrapped.slice(0, at) + (wrapped[at] === 'A' ? 'B' : 'A') + wrapped.slice(at + 1);
      await expect(subject.kms.unwrapDataKey(ref, altered)).rejects.toMatchObject({ code: CryptoErrorCode.DecryptionFailed });
    });

    it('rotates: keys wrapped before and after unwrap; after rewrap and retirement only the old forms fail', async () => {
      const ref = await withKey();
      const before = await subject.kms.generateDataKey(ref);
      const { latestVersion } = await subject.kms.rotateTenantKey(ref);
      expect(latestVersion).toBe(2);
      const after = await subject.kms.generateDataKey(ref);
      expect(wrappedKeyVersion(before.wrapped)).toBe(1);
      expect(wrappedKeyVersion(after.wrapped)).toBe(2);
      expect((await subject.kms.unwrapDataKey(ref, before.wrapped)).equals(before.plaintext)).toBe(true);
      expect((await subject.kms.unwrapDataKey(ref, after.wrapped)).equals(after.plaintext)).toBe(true);

      const rewrapped = await subject.kms.rewrap(ref, before.wrapped);
      expect(wrappedKeyVersion(rewrapped)).toBe(2);
      await subject.kms.retireVersionsBelow(ref, 2);

      await expect(subject.kms.unwrapDataKey(ref, before.wrapped)).rejects.toMatchObject({ code: CryptoErrorCode.KeyVersionRetired });
      expect((await subject.kms.unwrapDataKey(ref, rewrapped)).equals(before.plaintext)).toBe(true);
      expect((await subject.kms.unwrapDataKey(ref, after.wrapped)).equals(after.plaintext)).toBe(true);
    });

    it('destroys a tenant key: nothing of it unwraps any more, other tenants are untouched, destroying again is harmless', async () => {
      const doomed = await withKey();
      const other = await withKey();
      const { wrapped } = await subject.kms.generateDataKey(doomed);
      const kept = await subject.kms.generateDataKey(other);
      await subject.kms.destroyTenantKey(doomed);
      await expect(subject.kms.unwrapDataKey(doomed, wrapped)).rejects.toMatchObject({ code: CryptoErrorCode.KeyNotFound });
      await expect(subject.kms.generateDataKey(doomed)).rejects.toMatchObject({ code: CryptoErrorCode.KeyNotFound });
      await expect(subject.kms.destroyTenantKey(doomed)).resolves.toBeUndefined();
      expect((await subject.kms.unwrapDataKey(other, kept.wrapped)).equals(kept.plaintext)).toBe(true);
    });
  });
}
