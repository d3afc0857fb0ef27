// libs/crypto: envelope encryption bound to each value's place, a KMS port with a local and a
// Vault Transit adapter, per-subject data keys that can be destroyed, and blind indexes.
export { CryptoError, CryptoErrorCode, isCryptoError, type CryptoErrorDetails } from './crypto.errors.js';
export type { SubjectRef, ValuePlace, ValueContext } from './value-context.js';
export { CIPHERTEXT_FORMAT_VERSION, looksLikeCiphertext, parseCiphertext, type ParsedCiphertext } from './ciphertext-format.js';
export { encryptValue, decryptValue, DATA_KEY_BYTES } from './envelope-cipher.js';
export { KMS, wrappedKeyVersion, type Kms, type TenantKeyRef, type GeneratedDataKey } from './kms.port.js';
export { LocalKms, keystoreFileFor, type LocalKmsOptions, type OpenLocalKmsOptions } from './local-kms.js';
export { MASTER_KEY_FILE_VARIABLE, generateMasterKeyFile, loadMasterKey, readMasterKeyFile, type LoadMasterKeyOptions } from './master-key.js';
export { VaultTransitKms, transitKeyName, type VaultTransitKmsOptions } from './vault-transit-kms.js';
export type { VaultAuth } from './vault-credentials.js';
export {
  SUBJECT_KEY_STORE,
  TENANT_KEY_STORE,
  type SubjectKeyStore,
  type TenantKeyStore,
  type WrappedSubjectKey,
  type WrappedTenantKey,
} from './key-store.port.js';
export { InMemorySubjectKeyStore, InMemoryTenantKeyStore } from './in-memory-key-stores.js';
export { PostgresSubjectKeyStore, PostgresTenantKeyStore, type SqlExecutor } from './postgres-key-stores.js';
export { CreateGardienKeys1732579300000 } from './migrations/1732579300000-create-gardien-keys.js';
export type { KeyCacheLimits } from './bounded-key-cache.js';
export { SubjectKeyRing, type SubjectKeyRingOptions } from './subject-key-ring.js';
export { rotateTenantKey, rewrapTenantKeys, type TenantKeyRotationOptions, type TenantKeyRotationResult } from './tenant-key-rotation.js';
export { BlindIndex, BLIND_INDEX_PURPOSE, normaliseEmail, exactValue, type BlindIndexOptions, type Normaliser } from './blind-index.js';
