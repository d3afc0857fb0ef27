// Blind indexes: what must be looked up by equality (an email at login) is stored as a keyed
// HMAC-SHA256, never in clear. Each tenant has its own index key per service: a data key from
// the KMS, stored wrapped (purpose "blind-index" in the TenantKeyStore), from which HKDF derives
// the HMAC key. The field name is part of the input, so equal values in two fields differ.
// Destroying the tenant key makes the indexes meaningless along with the data.
import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { BoundedKeyCache, type KeyCacheLimits } from './bounded-key-cache.js';
import { CryptoError, CryptoErrorCode } from './crypto.errors.js';
import { assertName, assertServiceName, assertTenantId } from './identifiers.js';
import type { TenantKeyStore, WrappedTenantKey } from './key-store.port.js';
import type { Kms, TenantKeyRef } from './kms.port.js';
import { generateDataKeyCreatingTenantKey } from './tenant-data-keys.js';

export const BLIND_INDEX_PURPOSE = 'blind-index';

export type Normaliser = (value: string) => string;

/** Emails compare without case and surrounding spaces (Unicode NFC first). */
export const normaliseEmail: Normaliser = (value) => value.normalize('NFC').trim().toLowerCase();

/** Values compared exactly as given. */
export const exactValue: Normaliser = (value) => value;

export interface BlindIndexOptions {
  service: string;
  kms: Kms;
  store: TenantKeyStore;
  cache?: KeyCacheLimits;
  now?: () => number;
}

export class BlindIndex {
  private readonly service: string;
  private readonly kms: Kms;
  private readonly store: TenantKeyStore;
  private readonly cache: BoundedKeyCache;
  private forgets = 0;

  constructor(options: BlindIndexOptions) {
    assertServiceName(options.service);
    this.service = options.service;
    this.kms = options.kms;
    this.store = options.store;
    this.cache = new BoundedKeyCache({
      maxEntries: options.cache?.maxEntries ?? 1_000,
      ttlMs: options.cache?.ttlMs ?? 120_000,
      ...(options.now ? { now: options.now } : {}),
    });
  }

  /** base64url HMAC-SHA256 of the normalised value of `field`, under the tenant's index key. */
  async compute(tenant: string, field: string, value: string, normalise: Normaliser = exactValue): Promise<string> {
    assertTenantId(tenant);
    assertName('field', field);
    const input = Buffer.concat([lengthPrefixed(field), lengthPrefixed(normalise(value))]);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const cached = this.cache.get(tenant);
      if (cached) return createHmac('sha256', cached.key).update(input).digest('base64url');
      await this.loadKey(tenant);
    }
    throw new CryptoError(CryptoErrorCode.KmsUnavailable, `blind-index key of tenant ${tenant} could not be loaded; retry`);
  }

  /** The index of an email address (trimmed, lower-cased). */
  email(tenant: string, field: string, email: string): Promise<string> {
    return this.compute(tenant, field, email, normaliseEmail);
  }

  /** Forgets the tenant's index key (with forgetTenant of the key ring, at tenant erasure). */
  async forgetTenant(tenant: string): Promise<void> {
    assertTenantId(tenant);
    this.forgets += 1;
    this.cache.delete(tenant);
    await this.store.deleteAllForTenant(tenant);
    this.forgets += 1; // a load that began during the delete must not be cached
    this.cache.delete(tenant);
  }

  private async loadKey(tenant: string): Promise<void> {
    const forgetsAtStart = this.forgets;
    const ref: TenantKeyRef = { service: this.service, tenant };
    const stored = (await this.store.get(tenant, BLIND_INDEX_PURPOSE)) ?? (await this.createKey(ref));
    const dataKey = await this.kms.unwrapDataKey(ref, stored.wrapped);
    try {
      const info = `gardien/blind-index/v1/${this.service}/${tenant}`;
      const indexKey = Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), info, 32));
      if (this.forgets !== forgetsAtStart) {
        indexKey.fill(0);
        return;
      }
      this.cache.set(tenant, { keyId: stored.keyId, key: indexKey });
    } finally {
      dataKey.fill(0);
    }
  }

  private async createKey(ref: TenantKeyRef): Promise<WrappedTenantKey> {
    const generated = await generateDataKeyCreatingTenantKey(this.kms, ref);
    generated.plaintext.fill(0); // unwrapped again from the stored form, the one every replica uses
    return this.store.putIfAbsent({
      tenant: ref.tenant,
      purpose: BLIND_INDEX_PURPOSE,
      keyId: randomBytes(16).toString('base64url'),
      wrapped: generated.wrapped,
    });
  }
}

function lengthPrefixed(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const prefix = Buffer.allocUnsafe(4);
  prefix.writeUInt32BE(bytes.length);
  return Buffer.concat([prefix, bytes]);
}
