// AES-256-GCM sealing and opening of one value under a data key, with the value's place as
// associated data. Synchronous on purpose: once a caller holds a key it uses it at once, with no
// await in between, so a cache eviction (which zeroes keys) can never happen mid-operation.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { CryptoError, CryptoErrorCode } from './crypto.errors.js';
import { CIPHERTEXT_FORMAT_VERSION, TAG_BYTES, formatCiphertext, type ParsedCiphertext } from './ciphertext-format.js';
import { nextIv } from './iv-source.js';
import { describePlace, encodeAssociatedData, type ValueContext } from './value-context.js';

const ALGORITHM = 'aes-256-gcm';
export const DATA_KEY_BYTES = 32;

export function encryptValue(key: Buffer, keyId: string, context: ValueContext, plaintext: Uint8Array): string {
  assertKey(key);
  const iv = nextIv();
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(encodeAssociatedData(context, CIPHERTEXT_FORMAT_VERSION, keyId));
  // GCM is a stream mode: update() returns every byte and final() none, so no concatenation.
  const body = cipher.update(plaintext);
  cipher.final();
  return formatCiphertext(keyId, iv, body, cipher.getAuthTag());
}

/** Opens a parsed ciphertext; DECRYPTION_FAILED (naming the record) if anything does not authenticate. */
export function decryptValue(key: Buffer, parsed: ParsedCiphertext, context: ValueContext): Buffer {
  assertKey(key);
  try {
    const decipher = createDecipheriv(ALGORITHM, key, parsed.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(encodeAssociatedData(context, parsed.version, parsed.keyId));
    decipher.setAuthTag(parsed.tag);
    const plaintext = decipher.update(parsed.body);
    decipher.final(); // throws unless the tag authenticates the ciphertext and the associated data
    return plaintext;
  } catch {
    throw new CryptoError(
      CryptoErrorCode.DecryptionFailed,
      `cannot decrypt ${describePlace(context)}: tampered, moved from another place, or sealed by another key`,
      { recordId: context.recordId, keyId: parsed.keyId },
    );
  }
}

function assertKey(key: Buffer): void {
  if (key.length !== DATA_KEY_BYTES) throw new CryptoError(CryptoErrorCode.InvalidArgument, 'data key must be 32 bytes');
}
