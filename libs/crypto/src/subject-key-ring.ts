// One data key per (service, tenant, subject), created on first use, stored only wrapped (see
// key-store.port.ts) and held in clear in a bounded cache. Encrypting and decrypting with a warm
// cache is synchronous work on the caller's turn: no KMS call, no store call.
// Erasure is crypto-shredding: forgetSubject deletes one key row, whatever the amount of data,
// after which every read of that subject's data raises SUBJECT_ERASED. Another replica's cache
// may still hold the key for at most the cache TTL.
import { randomBytes } from 'node:crypto';
import { BoundedKeyCache, type CachedKey, type KeyCacheLimits } from './bounded-key-cache.js';
import { parseCiphertext, type ParsedCiphertext } from './ciphertext-format.js';
import { CryptoError, CryptoErrorCode } from './crypto.errors.js';
import { decryptValue, encryptValue } from './envelope-cipher.js';
import { assertOpaqueId, assertServiceName, assertTenantId } from './identifiers.js';
import type { SubjectKeyStore } from './key-store.port.js';
import type { Kms, TenantKeyRef } from './kms.port.js';
import { generateDataKeyCreatingTenantKey } from './tenant-data-keys.js';
import { assertValueContext, describePlace, type SubjectRef, type ValueContext, type ValuePlace } from './value-context.js';

export interface SubjectKeyRingOptions {
  service: string;
  kms: Kms;
  store: SubjectKeyStore;
  cache?: KeyCacheLimits;
  /** The clock of the cache, injectable for tests. */
  now?: () => number;
}

type LoadMode = 'create' | 'existing';

const RETRY = Symbol('retry');
type Loaded = CachedKey | undefined | typeof RETRY;

interface Loading {
  result: Promise<Loaded>;
  waiters: number;
}

const LOAD_ATTEMPTS = 3;

export class SubjectKeyRing {
  private readonly service: string;
  private readonly kms: Kms;
  private readonly store: SubjectKeyStore;
  private readonly cache: BoundedKeyCache;
  private readonly loading = new Map<string, Loading>();
  /** Bumped by every erasure, so that a key loaded while an erasure ran is never cached. */
  private erasures = 0;

  constructor(options: SubjectKeyRingOptions) {
    assertServiceName(options.service);
    this.service = options.service;
    this.kms = options.kms;
    this.store = options.store;
    this.cache = new BoundedKeyCache({
      maxEntries: options.cache?.maxEntries ?? 10_000,
      ttlMs: options.cache?.ttlMs ?? 120_000,
      ...(options.now ? { now: options.now } : {}),
    });
  }

  /** Encrypts a value of `subject` for its place; creates the subject's data key on first use. */
  async encryptFor(subject: SubjectRef, place: ValuePlace, plaintext: string | Uint8Array): Promise<string> {
    const context = this.context(subject, place);
    const bytes = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
    const cached = this.cache.get(cacheId(subject));
    if (cached) return encryptValue(cached.key, cached.keyId, context, bytes);
    return this.withKey(subject, 'create', (key) => encryptValue(key.key, key.keyId, context, bytes));
  }

  /**
   * Decrypts a value read from its place. SUBJECT_ERASED if the subject's key was destroyed;
   * DECRYPTION_FAILED (naming the record) if the value was altered or comes from another place.
   */
  async decryptFor(subject: SubjectRef, place: ValuePlace, ciphertext: string): Promise<Buffer> {
    const context = this.context(subject, place);
    const parsed = parseCiphertext(ciphertext, () => describePlace(place));
    const cached = this.cache.get(cacheId(subject));
    if (cached?.keyId === parsed.keyId) return decryptValue(cached.key, parsed, context);
    // Not the cached key: moved here, erased, or the subject got a new key in another replica.
    if (cached) this.cache.delete(cacheId(subject));
    const opened = await this.withKey(subject, 'existing', (key) =>
      key?.keyId === parsed.keyId ? { plaintext: decryptValue(key.key, parsed, context) } : undefined,
    );
    if (opened) return opened.plaintext;
    throw await this.whyNoKey(context, parsed);
  }

  async decryptStringFor(subject: SubjectRef, place: ValuePlace, ciphertext: string): Promise<string> {
    return (await this.decryptFor(subject, place, ciphertext)).toString('utf8');
  }

  /** Crypto-shreds the subject in this service: one key row deleted, the cached key zeroed. */
  async forgetSubject(tenant: string, subject: string): Promise<void> {
    const ref = { tenant, subject };
    this.assertSubject(ref);
    this.erasures += 1;
    this.cache.delete(cacheId(ref));
    await this.store.delete(tenant, subject);
    // Again after the delete: a load that began during it may have read the row before it went.
    this.erasures += 1;
    this.cache.delete(cacheId(ref));
  }

  /**
   * Crypto-shreds the tenant in this service: destroys its KMS key first (after which nothing of
   * the tenant can be unwrapped, even from backups once the key backups age out), then its
   * subject keys. If the KMS cannot be reached nothing is deleted; calling again is safe.
   */
  async forgetTenant(tenant: string): Promise<void> {
    assertTenantId(tenant);
    this.erasures += 1;
    this.cache.deletePrefix(`${tenant}/`);
    await this.kms.destroyTenantKey(this.tenantKey(tenant));
    await this.store.deleteAllForTenant(tenant);
    this.erasures += 1;
    this.cache.deletePrefix(`${tenant}/`);
  }

  /** Zeroes every cached key (at shutdown). */
  clearCache(): void {
    this.cache.clear();
  }

  /**
   * Runs `use` synchronously with the subject's key (undefined if it has none and mode is
   * 'existing'). Concurrent callers share one load; they get a private copy of the key, zeroed
   * after the last of them has used it, so that a cache eviction can never zero it under them.
   */
  private async withKey<T>(subject: SubjectRef, mode: 'create', use: (key: CachedKey) => T): Promise<T>;
  private async withKey<T>(subject: SubjectRef, mode: 'existing', use: (key: CachedKey | undefined) => T): Promise<T>;
  private async withKey<T>(subject: SubjectRef, mode: LoadMode, use: (key: CachedKey) => T): Promise<T> {
    for (let attempt = 0; attempt < LOAD_ATTEMPTS; attempt += 1) {
      const cached = this.cache.get(cacheId(subject));
      if (cached) return use(cached);
      const load = this.load(subject, mode);
      load.waiters += 1;
      let loaded: Loaded;
      try {
        loaded = await load.result;
      } catch (error) {
        load.waiters -= 1;
        throw error;
      }
      try {
        if (loaded !== RETRY) return (use as (key: CachedKey | undefined) => T)(loaded);
      } finally {
        load.waiters -= 1;
        if (load.waiters === 0 && loaded !== RETRY) loaded?.key.fill(0);
      }
    }
    throw new CryptoError(CryptoErrorCode.KmsUnavailable, 'a subject key kept being erased while it loaded; retry');
  }

  /** One load per subject and mode at a time: fetches the key and caches a copy of it. */
  private load(subject: SubjectRef, mode: LoadMode): Loading {
    const id = `${mode}:${cacheId(subject)}`;
    const pending = this.loading.get(id);
    if (pending) return pending;
    const erasuresAtStart = this.erasures;
    const result = this.fetchKey(subject, mode).then((key): Loaded => {
      if (key && this.erasures !== erasuresAtStart) {
        key.key.fill(0);
        return RETRY; // an erasure ran meanwhile: never cached, the callers look again
      }
      if (key) this.cache.set(cacheId(subject), { keyId: key.keyId, key: Buffer.from(key.key) });
      return key;
    });
    const loading: Loading = { result, waiters: 0 };
    this.loading.set(id, loading);
    void result.then(
      () => this.loading.delete(id),
      () => this.loading.delete(id),
    );
    return loading;
  }

  private async fetchKey(subject: SubjectRef, mode: LoadMode): Promise<CachedKey | undefined> {
    const ref = this.tenantKey(subject.tenant);
    let stored = await this.store.get(subject.tenant, subject.subject);
    if (!stored) {
      if (mode === 'existing') return undefined;
      const generated = await generateDataKeyCreatingTenantKey(this.kms, ref);
      const keyId = randomBytes(16).toString('base64url');
      try {
        stored = await this.store.putIfAbsent({ tenant: subject.tenant, subject: subject.subject, keyId, wrapped: generated.wrapped });
      } catch (error) {
        generated.plaintext.fill(0);
        throw error;
      }
      if (stored.keyId === keyId) return { keyId, key: generated.plaintext };
      generated.plaintext.fill(0); // another writer created the subject's key first: use theirs
    }
    return { keyId: stored.keyId, key: await this.kms.unwrapDataKey(ref, stored.wrapped) };
  }

  /** The value's key is not the subject's current key: erased, or the value was moved here. */
  private async whyNoKey(context: ValueContext, parsed: ParsedCiphertext): Promise<CryptoError> {
    const details = { recordId: context.recordId, keyId: parsed.keyId };
    if (await this.store.wasErased(context.tenant, parsed.keyId)) {
      return new CryptoError(CryptoErrorCode.SubjectErased, `${describePlace(context)} belongs to an erased subject`, details);
    }
    return new CryptoError(
      CryptoErrorCode.DecryptionFailed,
      `cannot decrypt ${describePlace(context)}: sealed by data key ${parsed.keyId}, which is not this subject's`,
      details,
    );
  }

  private context(subject: SubjectRef, place: ValuePlace): ValueContext {
    const context: ValueContext = {
      service: this.service,
      tenant: subject.tenant,
      subject: subject.subject,
      table: place.table,
      recordId: place.recordId,
      column: place.column,
    };
    assertValueContext(context);
    return context;
  }

  private assertSubject(subject: SubjectRef): void {
    assertTenantId(subject.tenant);
    assertOpaqueId('subject id', subject.subject);
  }

  private tenantKey(tenant: string): TenantKeyRef {
    return { service: this.service, tenant };
  }
}

function cacheId(subject: SubjectRef): string {
  return `${subject.tenant}/${subject.subject}`;
}
