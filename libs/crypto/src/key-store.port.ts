// Where wrapped data keys rest: the storage ports of the key ring and of the blind index. Only
// wrapped keys (useless without the tenant key in the KMS) are ever stored. Implementations keep
// them in the service's own database, in schema `gardien_keys` (see postgres-key-stores.ts), so
// that operators can back keys up on a shorter retention than the data.

/** Injection tokens, for services that provide the stores through DI. */
export const SUBJECT_KEY_STORE = Symbol.for('gardien.crypto.SubjectKeyStore');
export const TENANT_KEY_STORE = Symbol.for('gardien.crypto.TenantKeyStore');

/** The one data key of a subject (in one service), wrapped under the tenant key. */
export interface WrappedSubjectKey {
  readonly tenant: string;
  readonly subject: string;
  readonly keyId: string;
  readonly wrapped: string;
}

export interface SubjectKeyStore {
  get(tenant: string, subject: string): Promise<WrappedSubjectKey | undefined>;
  /** Inserts unless the subject already has a key; answers the key the subject has afterwards. */
  putIfAbsent(key: WrappedSubjectKey): Promise<WrappedSubjectKey>;
  /** After a rewrap: replaces the wrapped form of that very key; false if it is no longer there. */
  replaceWrapped(tenant: string, subject: string, keyId: string, wrapped: string): Promise<boolean>;
  /**
   * Crypto-shreds a subject: deletes its key (one row, whatever the amount of data) and remembers
   * the key id as erased, so reads of old data say SUBJECT_ERASED. True if there was a key.
   */
  delete(tenant: string, subject: string): Promise<boolean>;
  /** Deletes every subject key of the tenant, remembering their ids as erased. */
  deleteAllForTenant(tenant: string): Promise<void>;
  /** Whether this key id belonged to a subject that has been erased. */
  wasErased(tenant: string, keyId: string): Promise<boolean>;
  /** Keys of a tenant by subject id, the `limit` first ones after `afterSubject` (for rewrapping). */
  listForTenant(tenant: string, afterSubject: string | undefined, limit: number): Promise<WrappedSubjectKey[]>;
}

/** A key that belongs to the tenant as a whole, for one purpose (e.g. the blind-index key). */
export interface WrappedTenantKey {
  readonly tenant: string;
  readonly purpose: string;
  readonly keyId: string;
  readonly wrapped: string;
}

export interface TenantKeyStore {
  get(tenant: string, purpose: string): Promise<WrappedTenantKey | undefined>;
  putIfAbsent(key: WrappedTenantKey): Promise<WrappedTenantKey>;
  replaceWrapped(tenant: string, purpose: string, keyId: string, wrapped: string): Promise<boolean>;
  listForTenant(tenant: string): Promise<WrappedTenantKey[]>;
  deleteAllForTenant(tenant: string): Promise<void>;
}
