// The stored form of an encrypted value: `g1.<keyId>.<payload>`, all base64url, so it fits a text
// column and can be read by eye. `g1` names the format version (AES-256-GCM, 96-bit IV, 128-bit
// tag, associated data as in value-context.ts); keyId names the data key that sealed it, so that
// data keys can be replaced and several can coexist. payload = IV || ciphertext || tag.
import { CryptoError, CryptoErrorCode } from './crypto.errors.js';

export const CIPHERTEXT_FORMAT_VERSION = 1;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;

const PREFIX = `g${CIPHERTEXT_FORMAT_VERSION}`;
const KEY_ID = /^[A-Za-z0-9_-]{22}$/;

export interface ParsedCiphertext {
  readonly version: number;
  readonly keyId: string;
  readonly iv: Buffer;
  readonly body: Buffer;
  readonly tag: Buffer;
}

export function isDataKeyId(value: string): boolean {
  return KEY_ID.test(value);
}

export function formatCiphertext(keyId: string, iv: Buffer, body: Buffer, tag: Buffer): string {
  return `${PREFIX}.${keyId}.${Buffer.concat([iv, body, tag]).toString('base64url')}`;
}

/**
 * Parses without decrypting. `where` names the record in the error (ids only); it may be given as
 * a function so that the name is only built when there is an error.
 */
export function parseCiphertext(text: string, where: string | (() => string)): ParsedCiphertext {
  const parts = text.split('.');
  if (parts.length !== 3 || parts[0] !== PREFIX || !KEY_ID.test(parts[1])) throw malformed(where);
  const encoded = parts[2];
  const payload = Buffer.from(encoded, 'base64url');
  // Node's decoder skips characters outside the alphabet: a short result means there were some.
  if (encoded.length % 4 === 1 || payload.length !== Math.floor((encoded.length * 3) / 4)) throw malformed(where);
  if (payload.length < IV_BYTES + TAG_BYTES) throw malformed(where);
  return {
    version: CIPHERTEXT_FORMAT_VERSION,
    keyId: parts[1],
    iv: payload.subarray(0, IV_BYTES),
    body: payload.subarray(IV_BYTES, payload.length - TAG_BYTES),
    tag: payload.subarray(payload.length - TAG_BYTES),
  };
}

/** True if the text has the shape of a Gardien ciphertext (for callers migrating clear columns). */
export function looksLikeCiphertext(text: string): boolean {
  return text.startsWith(`${PREFIX}.`) && text.split('.').length === 3;
}

function malformed(place: string | (() => string)): CryptoError {
  const where = typeof place === 'function' ? place() : place;
  return new CryptoError(CryptoErrorCode.DecryptionFailed, `malformed ciphertext in ${where}`);
}
