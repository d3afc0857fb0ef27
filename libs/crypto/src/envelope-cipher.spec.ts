import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { looksLikeCiphertext, parseCiphertext } from './ciphertext-format.js';
import { CryptoErrorCode } from './crypto.errors.js';
import { decryptValue, encryptValue } from './envelope-cipher.js';
import type { ValueContext } from './value-context.js';

const key = randomBytes(32);
const keyId = randomBytes(16).toString('base64url');
const context: ValueContext = {
  service: 'auth',
  tenant: '6f1c1c3e-0000-4000-8000-000000000001',
  subject: 'subject-1',
  table: 'users',
  recordId: 'record-1',
  column: 'email',
};
const open = (ciphertext: string, at: ValueContext = context, withKey = key): Buffer =>
  decryptValue(withKey, parseCiphertext(ciphertext, 'test'), at);

describe('envelope cipher', () => {
  it('round-trips a value in the versioned format that names its data key', () => {
    const ciphertext = encryptValue(key, keyId, context, Buffer.from('alice@example.test'));
    expect(ciphertext.startsWith(`g1.${keyId}.`)).toBe(true);
    expect(looksLikeCiphertext(ciphertext)).toBe(true);
    expect(ciphertext).not.toContain('alice');
    expect(open(ciphertext).toString()).toBe('alice@example.test');
    expect(encryptValue(key, keyId, context, Buffer.from('x'))).not.toBe(encryptValue(key, keyId, context, Buffer.from('x')));
  });

  it.each([
    ['service', { service: 'audit' }],
    ['tenant', { tenant: '6f1c1c3e-0000-4000-8000-000000000002' }],
    ['subject', { subject: 'subject-2' }],
    ['table', { table: 'contacts' }],
    ['record', { recordId: 'record-2' }],
    ['column', { column: 'phone' }],
  ])('fails with DECRYPTION_FAILED naming the record when the value is read from another %s', (_, change) => {
    const ciphertext = encryptValue(key, keyId, context, Buffer.from('secret'));
    const elsewhere = { ...context, ...change };
    expect(() => open(ciphertext, elsewhere)).toThrow(
      expect.objectContaining({ code: CryptoErrorCode.DecryptionFailed, details: expect.objectContaining({ recordId: elsewhere.recordId }) }),
    );
    expect(() => open(ciphertext, elsewhere)).toThrow(new RegExp(elsewhere.recordId));
  });

  it('fails with DECRYPTION_FAILED under another key or when any byte was altered', () => {
    const ciphertext = encryptValue(key, keyId, context, Buffer.from('secret value'));
    expect(() => open(ciphertext, context, randomBytes(32))).toThrow(expect.objectContaining({ code: CryptoErrorCode.DecryptionFailed }));
    const payload = Buffer.from(ciphertext.split('.')[2]!, 'base64url');
    for (const index of [0, 12, payload.length - 1]) {
      const altered = Buffer.from(payload);
      altered[index] ^= 0x80;
      const text = `g1.${keyId}.${altered.toString('base64url')}`;
      expect(() => open(text)).toThrow(expect.objectContaining({ code: CryptoErrorCode.DecryptionFailed }));
    }
    const otherKeyId = randomBytes(16).toString('base64url');
    expect(() => open(ciphertext.replace(keyId, otherKeyId))).toThrow(expect.objectContaining({ code: CryptoErrorCode.DecryptionFailed }));
  });

  it.each(['', 'secret', 'g1.', 'g2.AAAAAAAAAAAAAAAAAAAAAA.AAAA', `g1.${keyId}.AAAA`, `g1.${keyId}.not base64!`, `g1.short.${'A'.repeat(40)}`, `g1.${keyId}.${'A'.repeat(40)}.x`])(
    'refuses the malformed ciphertext %j with DECRYPTION_FAILED naming where it was read',
    (text) => {
      expect(() => parseCiphertext(text, 'users/record-9.email')).toThrow(
        expect.objectContaining({ code: CryptoErrorCode.DecryptionFailed, message: expect.stringContaining('users/record-9.email') }),
      );
    },
  );
});
