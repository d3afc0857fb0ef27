// The embedded KMS: the tenant keys of one service in a keystore file under the service's data
// directory, sealed with the master key (see keystore-file.ts). Data keys are wrapped with
// AES-256-GCM under a tenant key version, with (service, tenant, version) as associated data, so
// a data key wrapped for one tenant never unwraps under another's key. The wrapped form mirrors
// Vault's: `local:v<version>:<base64>`.
// One process owns a keystore: mutations are serialised in memory and each one replaces the file
// atomically; a mutation whose write fails leaves both the file and the memory as they were.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { access, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CryptoError, CryptoErrorCode } from './crypto.errors.js';
import { assertServiceName } from './identifiers.js';
import { assertTenantKeyRef, describeTenantKey, parseWrappedKey, type GeneratedDataKey, type Kms, type TenantKeyRef } from './kms.port.js';
import { loadMasterKey } from './master-key.js';
import { withKeystoreLock } from './keystore-lock.js';
import { readKeystore, writeKeystore, type KeystoreContents, type TenantKeyVersions } from './keystore-file.js';

const PREFIX = 'local';
const KEY_BYTES = 32;

export interface LocalKmsOptions {
  /** The only service whose keys this instance holds. */
  service: string;
  /** The service's data directory; the keystore is `<dataDir>/<service>.keystore.json`. */
  dataDir: string;
  /** 32 bytes; copied, so the caller may zero its own buffer. */
  masterKey: Buffer;
}

export interface OpenLocalKmsOptions {
  service: string;
  dataDir: string;
  /** GARDIEN_MASTER_KEY_FILE. */
  masterKeyFile: string;
  /** Development only: create the master key file if it does not exist. Never in production. */
  generateMasterKeyIfMissing: boolean;
}

export function keystoreFileFor(dataDir: string, service: string): string {
  assertServiceName(service);
  return join(dataDir, `${service}.keystore.json`);
}

export class LocalKms implements Kms {
  readonly file: string;
  private readonly service: string;
  private readonly masterKey: Buffer;
  private contents: KeystoreContents | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: LocalKmsOptions) {
    if (options.masterKey.length !== KEY_BYTES) throw new CryptoError(CryptoErrorCode.MasterKeyInvalid, 'master key must be 32 bytes');
    this.service = options.service;
    this.file = keystoreFileFor(options.dataDir, options.service);
    this.masterKey = Buffer.from(options.masterKey);
  }

  /** Reads the master key file (creating it only when allowed) and opens the keystore. */
  static async open(options: OpenLocalKmsOptions): Promise<LocalKms> {
    const masterKey = await loadMasterKey({ file: options.masterKeyFile, generateIfMissing: options.generateMasterKeyIfMissing });
    try {
      const kms = new LocalKms({ service: options.service, dataDir: options.dataDir, masterKey });
      await kms.exclusive(() => kms.sealIfMissing());
      return kms;
    } finally {
      masterKey.fill(0);
    }
  }

  async ensureTenantKey(ref: TenantKeyRef): Promise<void> {
    return this.mutate(ref, (contents) => {
      if (contents.has(ref.tenant)) return false;
      contents.set(ref.tenant, { latestVersion: 1, minDecryptionVersion: 1, versions: new Map([[1, randomBytes(KEY_BYTES)]]) });
      return true;
    });
  }

  async generateDataKey(ref: TenantKeyRef): Promise<GeneratedDataKey> {
    const entry = await this.currentKey(ref);
    const plaintext = randomBytes(KEY_BYTES);
    return { plaintext, wrapped: this.wrap(ref, entry(), plaintext) };
  }

  async unwrapDataKey(ref: TenantKeyRef, wrapped: string): Promise<Buffer> {
    const entry = await this.currentKey(ref);
    return this.unwrap(ref, entry(), wrapped);
  }

  private unwrap(ref: TenantKeyRef, entry: TenantKeyVersions, wrapped: string): Buffer {
    const { prefix, version, payload } = parseWrappedKey(wrapped);
    const key = entry.versions.get(version);
    if (prefix !== PREFIX || version > entry.latestVersion || !key) throw undecryptable(ref);
    if (version < entry.minDecryptionVersion) {
      throw new CryptoError(CryptoErrorCode.KeyVersionRetired, `version ${version} of tenant key ${describeTenantKey(ref)} is retired`, {
        keyId: describeTenantKey(ref),
      });
    }
    const bytes = Buffer.from(payload, 'base64');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12), { authTagLength: 16 });
      decipher.setAAD(wrapContext(ref, version));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]);
    } catch {
      throw undecryptable(ref);
    }
  }

  async rotateTenantKey(ref: TenantKeyRef): Promise<{ latestVersion: number }> {
    let latestVersion = 0;
    await this.mutate(ref, (contents) => {
      const entry = requireTenant(contents, ref);
      latestVersion = entry.latestVersion + 1;
      const versions = new Map(entry.versions).set(latestVersion, randomBytes(KEY_BYTES));
      contents.set(ref.tenant, { ...entry, latestVersion, versions });
      return true;
    });
    return { latestVersion };
  }

  async rewrap(ref: TenantKeyRef, wrapped: string): Promise<string> {
    const current = await this.currentKey(ref);
    const entry = current();
    const dataKey = this.unwrap(ref, entry, wrapped);
    try {
      return this.wrap(ref, entry, dataKey);
    } finally {
      dataKey.fill(0);
    }
  }

  async retireVersionsBelow(ref: TenantKeyRef, minVersion: number): Promise<void> {
    return this.mutate(ref, (contents) => {
      const entry = requireTenant(contents, ref);
      if (!Number.isInteger(minVersion) || minVersion < 1 || minVersion > entry.latestVersion) {
        throw new CryptoError(CryptoErrorCode.InvalidArgument, `tenant key ${describeTenantKey(ref)} has no version ${minVersion}`);
      }
      if (entry.minDecryptionVersion === minVersion) return false;
      contents.set(ref.tenant, { ...entry, minDecryptionVersion: minVersion });
      return true;
    });
  }

  async destroyTenantKey(ref: TenantKeyRef): Promise<void> {
    let destroyed: TenantKeyVersions | undefined;
    await this.mutate(ref, (contents) => {
      destroyed = contents.get(ref.tenant);
      return contents.delete(ref.tenant);
    });
    for (const key of destroyed?.versions.values() ?? []) key.fill(0);
  }

  private wrap(ref: TenantKeyRef, entry: TenantKeyVersions, dataKey: Buffer): string {
    const version = entry.latestVersion;
    const key = entry.versions.get(version);
    if (!key) throw undecryptable(ref);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
    cipher.setAAD(wrapContext(ref, version));
    const sealed = Buffer.concat([iv, cipher.update(dataKey), cipher.final(), cipher.getAuthTag()]);
    return `${PREFIX}:v${version}:${sealed.toString('base64')}`;
  }

  /**
   * Loads the keystore if needed and returns a reader of the tenant's current key. Callers call
   * the reader and use the key synchronously, in the same turn: a destroyed key's buffers are
   * zeroed only after it has left the current contents, so a reader never returns a zeroed key.
   */
  private async currentKey(ref: TenantKeyRef): Promise<() => TenantKeyVersions> {
    this.assertOwnKey(ref);
    if (!this.contents) await this.exclusive(() => this.load());
    // Another process of this service may have created or rotated the key since we read the file.
    if (!this.contents?.has(ref.tenant)) await this.exclusive(() => this.reload());
    return () => requireTenant(this.contents ?? new Map(), ref);
  }

  /** Applies `change` to a copy; writes the file if it says so; only then makes the copy current. */
  private async mutate(ref: TenantKeyRef, change: (contents: KeystoreContents) => boolean): Promise<void> {
    this.assertOwnKey(ref);
    return this.exclusive(() =>
      withKeystoreLock(this.file, async () => {
        const current = await this.reload();
        const next = new Map(current);
        if (!change(next)) return;
        await writeKeystore(this.file, this.masterKey, this.service, next);
        this.contents = next;
      }),
    );
  }

  /**
   * Reads the keystore, or writes an empty one sealed by this master key: from the first start
   * on, a process given another master key fails at once (WRONG_MASTER_KEY), not at first use.
   */
  private async sealIfMissing(): Promise<void> {
    const exists = await access(this.file).then(
      () => true,
      () => false,
    );
    const contents = await this.load();
    if (exists) return;
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    await withKeystoreLock(this.file, async () => {
      const created = await access(this.file).then(
        () => true,
        () => false,
      );
      if (!created) await writeKeystore(this.file, this.masterKey, this.service, contents);
      else await this.reload();
    });
  }

  /** Reads the file anew (under the lock when writing): what other processes wrote is kept. */
  private async reload(): Promise<KeystoreContents> {
    this.contents = await readKeystore(this.file, this.masterKey, this.service);
    return this.contents;
  }

  private async load(): Promise<KeystoreContents> {
    this.contents ??= await readKeystore(this.file, this.masterKey, this.service);
    return this.contents;
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private assertOwnKey(ref: TenantKeyRef): void {
    assertTenantKeyRef(ref);
    if (ref.service !== this.service) {
      throw new CryptoError(CryptoErrorCode.PermissionDenied, `service ${this.service} may not use keys of service ${ref.service}`, {
        keyId: describeTenantKey(ref),
      });
    }
  }
}

function requireTenant(contents: KeystoreContents, ref: TenantKeyRef): TenantKeyVersions {
  const entry = contents.get(ref.tenant);
  if (!entry) throw new CryptoError(CryptoErrorCode.KeyNotFound, `tenant key ${describeTenantKey(ref)} does not exist`, { keyId: describeTenantKey(ref) });
  return entry;
}

function wrapContext(ref: TenantKeyRef, version: number): Buffer {
  return Buffer.from(JSON.stringify(['gardien/local-kms/wrap/v1', ref.service, ref.tenant, version]), 'utf8');
}

function undecryptable(ref: TenantKeyRef): CryptoError {
  return new CryptoError(CryptoErrorCode.DecryptionFailed, `data key was not wrapped under tenant key ${describeTenantKey(ref)}`, {
    keyId: describeTenantKey(ref),
  });
}
