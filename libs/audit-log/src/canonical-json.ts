// RFC 8785 (JSON Canonicalization Scheme) through `canonicalize`, the implementation by one of the
// RFC's authors: what leaves and tree heads are hashed and signed as.
import canonicalize from 'canonicalize';

/** The JCS text of `value`, as UTF-8 bytes. Throws on what JSON cannot hold (undefined, a function, a cycle). */
export function canonicalBytes(value: unknown): Buffer {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('not representable as JSON');
  return Buffer.from(text, 'utf8');
}
