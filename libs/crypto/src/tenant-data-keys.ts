// Generating a data key under a tenant key that may not exist yet: tenants are created while
// services run, so the first data key of a tenant creates its tenant key (idempotently).
import { isCryptoError, CryptoErrorCode } from './crypto.errors.js';
import type { GeneratedDataKey, Kms, TenantKeyRef } from './kms.port.js';

export async function generateDataKeyCreatingTenantKey(kms: Kms, ref: TenantKeyRef): Promise<GeneratedDataKey> {
  try {
    return await kms.generateDataKey(ref);
  } catch (error) {
    if (!isCryptoError(error, CryptoErrorCode.KeyNotFound)) throw error;
    await kms.ensureTenantKey(ref);
    return kms.generateDataKey(ref);
  }
}
