// Signs tree heads: Ed25519 keys generated here, their private halves sealed by the service's key
// ring (never stored in clear), rotated by adding a newer key (the older ones stay published, so
// that every head they signed can still be checked). A head is the JCS of {log, tree_size,
// root_hash, timestamp, key_id}, signed; every head signed is kept.
import { createPrivateKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { PLATFORM_LOG, foldRange, publicJwkOf, rangeNodes, signTreeHead, type PublicJwkSet, type TreeHead } from '@gardien/audit-log';
import { PLATFORM_TENANT_ID } from '@gardien/contracts';
import type { SubjectKeyRing } from '@gardien/crypto';
import { setTenant } from '@gardien/persistence';
import type { AuditLogRepository } from '../log/audit-log.repository.js';
import type { SigningKeysRepository } from './signing-keys.repository.js';
import type { TreeHeadsRepository } from './tree-heads.repository.js';

const KEY_OWNER = { tenant: PLATFORM_TENANT_ID, subject: 'audit-signing-keys' };
const sealedPlace = (keyId: string) => ({ table: 'audit_signing_keys', recordId: keyId, column: 'private_key' });

/** The name a log goes by in its tree heads: its tenant's id, or "platform". */
export function logNameOf(tenantId: string): string {
  return tenantId === PLATFORM_TENANT_ID ? PLATFORM_LOG : tenantId;
}

export class TreeHeadSigner {
  /** Private keys unsealed once per key id. */
  private readonly signers = new Map<string, Promise<KeyObject>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly log: AuditLogRepository,
    private readonly heads: TreeHeadsRepository,
    private readonly keys: SigningKeysRepository,
    private readonly keyRing: SubjectKeyRing,
  ) {}

  /** The verification keys, every one ever used (a JWK set, `kid` = a head's key_id). */
  async publicKeys(): Promise<PublicJwkSet> {
    await this.newestKey();
    const published = await this.keys.published(this.dataSource.manager);
    return { keys: published.map(({ keyId, publicX }) => ({ kty: 'OKP' as const, crv: 'Ed25519' as const, x: publicX, kid: keyId, alg: 'EdDSA', use: 'sig' })) };
  }

  /** A newer key signs from now on; the previous ones stay published. Returns its key id. */
  async rotate(): Promise<string> {
    return this.createKey();
  }

  /**
   * Signs a head of the log of `tenantId` at its current size, unless the latest head already has
   * that size (then that head is returned): every head a reader is given is a signed one.
   */
  async headOf(tenantId: string): Promise<TreeHead> {
    const key = await this.newestKey();
    return this.dataSource.transaction(async (manager) => {
      await setTenant(manager, tenantId);
      const size = await this.log.sizeOf(manager, tenantId);
      const latest = await this.heads.latest(manager, tenantId);
      if (latest !== undefined && latest.tree_size === size) return latest;
      const root = await this.rootOf(manager, tenantId, size);
      const head = signTreeHead({ log: logNameOf(tenantId), tree_size: size, root_hash: root.toString('hex'), timestamp: new Date().toISOString(), key_id: key.keyId }, await this.signerOf(key));
      await this.heads.insert(manager, tenantId, head);
      return head;
    });
  }

  private async rootOf(manager: EntityManager, tenantId: string, size: number): Promise<Buffer> {
    const refs = rangeNodes(0, size);
    const node = await this.log.requiredNodes(manager, tenantId, refs);
    return foldRange(refs.map(node));
  }

  private async newestKey(): Promise<{ keyId: string; privateKeySealed: string }> {
    const newest = await this.keys.newest(this.dataSource.manager);
    if (newest !== undefined) return newest;
    await this.createKey();
    const created = await this.keys.newest(this.dataSource.manager);
    if (created === undefined) throw new Error('no signing key after creating one');
    return created;
  }

  private async createKey(): Promise<string> {
    const keyId = randomUUID();
    const { privateKey } = generateKeyPairSync('ed25519');
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    try {
      const sealed = await this.keyRing.encryptFor(KEY_OWNER, sealedPlace(keyId), der);
      await this.keys.insert(this.dataSource.manager, { keyId, publicX: publicJwkOf(privateKey, keyId).x, privateKeySealed: sealed });
    } finally {
      der.fill(0);
    }
    return keyId;
  }

  private signerOf(key: { keyId: string; privateKeySealed: string }): Promise<KeyObject> {
    let signer = this.signers.get(key.keyId);
    if (signer === undefined) {
      signer = this.unseal(key);
      this.signers.set(key.keyId, signer);
      signer.catch(() => this.signers.delete(key.keyId));
    }
    return signer;
  }

  private async unseal(key: { keyId: string; privateKeySealed: string }): Promise<KeyObject> {
    const clear = await this.keyRing.decryptFor(KEY_OWNER, sealedPlace(key.keyId), key.privateKeySealed);
    try {
      return createPrivateKey({ key: clear, format: 'der', type: 'pkcs8' });
    } finally {
      clear.fill(0);
    }
  }
}
