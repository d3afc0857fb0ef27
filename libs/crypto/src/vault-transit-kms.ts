// The production KMS: Vault's Transit engine through node-vault (a CommonJS package; its
// generic read/write/delete calls are used, since it has no helpers for datakey, rotate or key
// config). One Transit key per service and tenant, named `gardien-<service>.<tenant>` (the dot
// cannot occur in either part, so a Vault policy on `gardien-<service>.*` grants exactly one
// service's keys). Data keys come from `datakey/wrapped` and are then unwrapped once with
// `decrypt`, which also proves the stored form unwraps; rotation is `keys/:name/rotate`,
// rewrapping `rewrap/:name`, retirement `min_decryption_version`, and shredding sets
// `deletion_allowed` then deletes the key.
// node-vault's own debug output is switched off: it would print request bodies (AppRole secret_id).
// It is loaded only when this adapter is used (about 17 MiB of code every service would otherwise
// carry with the local keystore).
import type createVaultClient from 'node-vault';
import { CryptoError, CryptoErrorCode } from './crypto.errors.js';
import { assertTenantKeyRef, type GeneratedDataKey, type Kms, type TenantKeyRef } from './kms.port.js';
import { obtainToken, type VaultAuth } from './vault-credentials.js';
import { mapVaultError } from './vault-transit-errors.js';

export interface VaultTransitKmsOptions {
  /** e.g. https://vault:8200 (VAULT_ADDR). */
  endpoint: string;
  auth: VaultAuth;
  /** Where the Transit engine is mounted; `transit` by default. */
  mount?: string;
  namespace?: string;
  /** Per request; a request that takes longer fails with KMS_UNAVAILABLE. 5 s by default. */
  requestTimeoutMs?: number;
}

type VaultClient = ReturnType<typeof createVaultClient>;

export function transitKeyName(ref: TenantKeyRef): string {
  assertTenantKeyRef(ref);
  return `gardien-${ref.service}.${ref.tenant}`;
}

export class VaultTransitKms implements Kms {
  private readonly client: Promise<VaultClient>;
  private readonly mount: string;
  private token: Promise<string> | undefined;

  constructor(private readonly options: VaultTransitKmsOptions) {
    this.mount = options.mount ?? 'transit';
    this.client = import('node-vault').then(({ default: createClient }) => {
      const client = createClient({
        endpoint: options.endpoint,
        apiVersion: 'v1',
        token: '',
        ...(options.namespace ? { namespace: options.namespace } : {}),
        debug: () => undefined,
        requestOptions: { timeout: options.requestTimeoutMs ?? 5_000 },
      });
      // node-vault falls back to VAULT_TOKEN from the environment; only `auth` may provide a token.
      client.token = '';
      return client;
    });
    // A failure to load surfaces at the first call, as KMS errors do; never as an unhandled rejection.
    this.client.catch(() => undefined);
  }

  async ensureTenantKey(ref: TenantKeyRef): Promise<void> {
    await this.call(ref, (vault, name) => vault.write(`${this.mount}/keys/${name}`, { type: 'aes256-gcm96' }));
  }

  async generateDataKey(ref: TenantKeyRef): Promise<GeneratedDataKey> {
    const answer = await this.call(ref, (vault, name) => vault.write(`${this.mount}/datakey/wrapped/${name}`, { bits: 256 }));
    const wrapped = stringField(answer, 'ciphertext', transitKeyName(ref));
    return { plaintext: await this.unwrapDataKey(ref, wrapped), wrapped };
  }

  async unwrapDataKey(ref: TenantKeyRef, wrapped: string): Promise<Buffer> {
    const answer = await this.call(ref, (vault, name) => vault.write(`${this.mount}/decrypt/${name}`, { ciphertext: wrapped }));
    const key = Buffer.from(stringField(answer, 'plaintext', transitKeyName(ref)), 'base64');
    if (key.length !== 32) {
      key.fill(0);
      throw new CryptoError(CryptoErrorCode.DecryptionFailed, `transit key ${transitKeyName(ref)} unwrapped something that is not a data key`, {
        keyId: transitKeyName(ref),
      });
    }
    return key;
  }

  async rotateTenantKey(ref: TenantKeyRef): Promise<{ latestVersion: number }> {
    await this.call(ref, (vault, name) => vault.write(`${this.mount}/keys/${name}/rotate`, {}));
    // Older Vaults answer the rotation with 204 and no body: the version is read back.
    const key = await this.call(ref, (vault, name) => vault.read(`${this.mount}/keys/${name}`));
    const latestVersion = dataOf(key)['latest_version'];
    if (typeof latestVersion !== 'number') throw unexpected(transitKeyName(ref));
    return { latestVersion };
  }

  async rewrap(ref: TenantKeyRef, wrapped: string): Promise<string> {
    const answer = await this.call(ref, (vault, name) => vault.write(`${this.mount}/rewrap/${name}`, { ciphertext: wrapped }));
    return stringField(answer, 'ciphertext', transitKeyName(ref));
  }

  async retireVersionsBelow(ref: TenantKeyRef, minVersion: number): Promise<void> {
    if (!Number.isInteger(minVersion) || minVersion < 1) throw new CryptoError(CryptoErrorCode.InvalidArgument, 'minimum version must be a positive integer');
    await this.call(ref, (vault, name) => vault.write(`${this.mount}/keys/${name}/config`, { min_decryption_version: minVersion }));
  }

  async destroyTenantKey(ref: TenantKeyRef): Promise<void> {
    try {
      await this.call(ref, (vault, name) => vault.write(`${this.mount}/keys/${name}/config`, { deletion_allowed: true }));
      await this.call(ref, (vault, name) => vault.delete(`${this.mount}/keys/${name}`));
    } catch (error) {
      if (error instanceof CryptoError && error.code === CryptoErrorCode.KeyNotFound) return;
      throw error;
    }
  }

  /** One Vault request with a valid token; logs in again once if Vault refuses the token. */
  private async call(ref: TenantKeyRef, request: (vault: VaultClient, name: string) => Promise<unknown>): Promise<unknown> {
    const name = transitKeyName(ref);
    const vault = await this.client;
    for (let attempt = 0; ; attempt += 1) {
      try {
        vault.token = await this.currentToken(vault, name);
        return await request(vault, name);
      } catch (error) {
        const mapped = mapVaultError(error, name);
        if (mapped.code !== CryptoErrorCode.PermissionDenied || attempt > 0 || this.options.auth.method === 'token') throw mapped;
        this.token = undefined;
      }
    }
  }

  private currentToken(vault: VaultClient, name: string): Promise<string> {
    if (!this.token) {
      const pending = obtainToken(this.options.auth, vault).catch((error: unknown) => {
        this.token = undefined;
        throw mapVaultError(error, name);
      });
      this.token = pending;
    }
    return this.token;
  }
}

function dataOf(answer: unknown): Record<string, unknown> {
  const data = (answer as { data?: unknown } | undefined)?.data;
  return typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
}

function stringField(answer: unknown, field: string, keyName: string): string {
  const value = dataOf(answer)[field];
  if (typeof value !== 'string' || value === '') throw unexpected(keyName);
  return value;
}

function unexpected(keyName: string): CryptoError {
  return new CryptoError(CryptoErrorCode.KmsRejected, `unexpected answer from Vault for transit key ${keyName}`, { keyId: keyName });
}
