// The hashes of RFC 9162 (Certificate Transparency 2.0), section 2.1.1: SHA-256 with a one-byte
// prefix that keeps a leaf from ever being read as an interior node (0x00 for leaves, 0x01 for
// nodes), which is what makes a second preimage of the tree impossible to build from its parts.
import { hash } from 'node:crypto';

export const HASH_BYTES = 32;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** MTH({}): the hash of an empty tree, SHA-256 of nothing. */
export const EMPTY_TREE_HASH: Buffer = hash('sha256', Buffer.alloc(0), 'buffer');

/** The hash of a leaf: SHA-256(0x00 || data). */
export function leafHash(data: Uint8Array): Buffer {
  return hash('sha256', Buffer.concat([LEAF_PREFIX, data]), 'buffer');
}

/** Where leafOfText encodes each text, after the leaf prefix; grown when a text might not fit. */
let scratch = Buffer.alloc(16 * 1024);

/**
 * The UTF-8 bytes of a text and their leaf hash (leafHash of those bytes), the text encoded once:
 * into a reused buffer right after the 0x00 prefix, hashed there, then copied out. Building the
 * bytes, then the prefixed copy, then hashing cost two allocations and two copies more per leaf.
 */
export function leafOfText(text: string): { bytes: Buffer; leaf: Buffer } {
  // At most three bytes of UTF-8 per UTF-16 code unit: a text always fits, never cut short.
  if (scratch.length < 1 + 3 * text.length) scratch = Buffer.alloc(1 + 3 * text.length);
  scratch[0] = 0x00;
  const length = scratch.write(text, 1, 'utf8');
  const leaf = hash('sha256', scratch.subarray(0, 1 + length), 'buffer');
  return { bytes: Buffer.from(scratch.subarray(1, 1 + length)), leaf };
}

/** The hash of an interior node: SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return hash('sha256', Buffer.concat([NODE_PREFIX, left, right]), 'buffer');
}
