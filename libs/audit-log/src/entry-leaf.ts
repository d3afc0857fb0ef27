// What an entry line's leaf hash is worth: the hash of its entry's bytes as written, when that is
// the hash the line claims. With the published keys, the signed root binds those bytes (the
// service hashes only JCS text, so bytes that hash into a signed tree are JCS); without them
// nothing does, and an entry not written in its canonical form is at least shown to be no entry
// of the service.
import { canonicalBytes } from './canonical-json.js';
import { leafHash } from './merkle-hash.js';
import type { WrittenEntryLine } from './written-entry-line.js';

/** The entry's JSON object, or undefined when its bytes are not one. */
export function entryObject(entry: Buffer): object | undefined {
  let value: unknown;
  try {
    value = JSON.parse(entry.toString('utf8'));
  } catch {
    return undefined;
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

/** Whether an entry's bytes are its canonical form (RFC 8785); false also when they are not a JSON object or have none. */
function isCanonical(entry: Buffer): boolean {
  const value = entryObject(entry);
  if (value === undefined) return false;
  try {
    return canonicalBytes(value).equals(entry);
  } catch {
    return false;
  }
}

/** The leaf hash of the line's entry when the line claims that one (and, with `canonical`, the entry is written in JCS); undefined otherwise. */
export function claimedLeafOf(written: WrittenEntryLine, { canonical }: { canonical: boolean }): Buffer | undefined {
  const leaf = leafHash(written.entry);
  if (leaf.toString('hex') !== written.claimedLeaf || (canonical && !isCanonical(written.entry))) return undefined;
  return leaf;
}
