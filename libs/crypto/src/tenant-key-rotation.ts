// Rotating a tenant key without downtime: add a version, rewrap every stored data key of the
// tenant under it (the data itself is untouched: data keys do not change), then retire the older
// versions. Reads keep working throughout, since old versions unwrap until they are retired. A
// key stored by a writer while the rewrap ran may still carry an old version, so the scan is
// repeated until a full pass finds none; only then are old versions retired.
import { CryptoError, CryptoErrorCode } from './crypto.errors.js';
import type { SubjectKeyStore, TenantKeyStore } from './key-store.port.js';
import { assertTenantKeyRef, describeTenantKey, wrappedKeyVersion, type Kms, type TenantKeyRef } from './kms.port.js';

export interface TenantKeyRotationOptions {
  kms: Kms;
  subjectKeys: SubjectKeyStore;
  tenantKeys: TenantKeyStore;
  /** Keys rewrapped per page (default 500). */
  pageSize?: number;
  /** Retire versions older than the new one once every key is rewrapped (default true). */
  retireOldVersions?: boolean;
}

export interface TenantKeyRotationResult {
  latestVersion: number;
  rewrapped: number;
}

const MAX_PASSES = 5;

export async function rotateTenantKey(ref: TenantKeyRef, options: TenantKeyRotationOptions): Promise<TenantKeyRotationResult> {
  assertTenantKeyRef(ref);
  const { latestVersion } = await options.kms.rotateTenantKey(ref);
  let rewrapped = 0;
  for (let pass = 0; pass < MAX_PASSES; pass += 1) {
    const count = await rewrapTenantKeys(ref, latestVersion, options);
    rewrapped += count;
    if (count === 0) {
      if (options.retireOldVersions ?? true) await options.kms.retireVersionsBelow(ref, latestVersion);
      return { latestVersion, rewrapped };
    }
  }
  throw new CryptoError(
    CryptoErrorCode.KmsUnavailable,
    `keys of ${describeTenantKey(ref)} kept changing during the rewrap; old versions were not retired, run it again`,
    { keyId: describeTenantKey(ref) },
  );
}

/** Rewraps every key of the tenant wrapped under a version below `latestVersion`; answers how many. */
export async function rewrapTenantKeys(ref: TenantKeyRef, latestVersion: number, options: TenantKeyRotationOptions): Promise<number> {
  const pageSize = options.pageSize ?? 500;
  let count = 0;
  let after: string | undefined;
  for (;;) {
    const page = await options.subjectKeys.listForTenant(ref.tenant, after, pageSize);
    for (const key of page) {
      if (wrappedKeyVersion(key.wrapped) >= latestVersion) continue;
      const wrapped = await options.kms.rewrap(ref, key.wrapped);
      if (await options.subjectKeys.replaceWrapped(ref.tenant, key.subject, key.keyId, wrapped)) count += 1;
    }
    if (page.length < pageSize) break;
    after = page[page.length - 1]?.subject;
  }
  for (const key of await options.tenantKeys.listForTenant(ref.tenant)) {
    if (wrappedKeyVersion(key.wrapped) >= latestVersion) continue;
    const wrapped = await options.kms.rewrap(ref, key.wrapped);
    if (await options.tenantKeys.replaceWrapped(ref.tenant, key.purpose, key.keyId, wrapped)) count += 1;
  }
  return count;
}
