// A signed tree head, as exported and published: the log it belongs to (a tenant id, or
// "platform"), its size, its root, when it was signed and by which key. The signature is Ed25519
// over the JCS of the head without its signature, so any JSON tool can rebuild what was signed.
import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { TreeHead } from '@gardien/contracts';
import { canonicalBytes } from './canonical-json.js';

export const PLATFORM_LOG = 'platform';

/** A tree head as exported (the schema of libs/contracts, which the audit service answers with). */
export const TreeHeadSchema = TreeHead;
export type { TreeHead };
export type UnsignedTreeHead = Omit<TreeHead, 'signature'>;

/** The published verification keys, read leniently from a file an auditor kept (extra members pass). */
export const PublicJwkSchema = z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.base64url().length(43), kid: z.string().min(1).max(64) }).loose();
export const PublicJwkSetSchema = z.object({ keys: z.array(PublicJwkSchema).max(1_000) }).loose();
export type PublicJwkSet = z.infer<typeof PublicJwkSetSchema>;

/** The bytes a tree head's signature covers. */
export function treeHeadSigningInput(head: UnsignedTreeHead): Buffer {
  const { log, tree_size, root_hash, timestamp, key_id } = head;
  return canonicalBytes({ log, tree_size, root_hash, timestamp, key_id });
}

export function signTreeHead(head: UnsignedTreeHead, privateKey: KeyObject): TreeHead {
  return { ...head, signature: sign(null, treeHeadSigningInput(head), privateKey).toString('base64') };
}

/** The public JWK of an Ed25519 key pair, named `kid`. */
export function publicJwkOf(key: KeyObject, kid: string): PublicJwkSet['keys'][number] {
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  return { kty: 'OKP', crv: 'Ed25519', x: String(jwk.x), kid };
}

/** Whether `head` is signed by the key of `keys` that its key id names. */
export function verifyTreeHeadSignature(head: TreeHead, keys: PublicJwkSet): boolean {
  const jwk = keys.keys.find((key) => key.kid === head.key_id);
  if (jwk === undefined) return false;
  try {
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' });
    const { signature, ...unsigned } = head;
    return verify(null, treeHeadSigningInput(unsigned), publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
