// An entry line exactly as the audit service writes it (export-format.ts), read from its bytes
// without decoding or parsing it as JSON: `{"index":N,"entry":<JCS>,"leaf_hash":"<hex>",
// "inclusion_proof":["<hex>",...]}`. What the verifier hashes is the entry's bytes as written, so
// that what a reader of the file sees is what the leaf hash, and through it the signed root,
// binds. Any other spelling of a line (spaces, another key order, upper-case hex) is not read
// here: the verifier reads it as JSON, slowly, to say what is wrong with it.
// (Not from export-format.ts: a worker thread reads lines without loading the schemas.)
import { MAX_PROOF_LENGTH } from './merkle-plan.js';

const LINE_START = Buffer.from('{"index":');
const ENTRY_KEY = Buffer.from(',"entry":');
const LEAF_KEY = Buffer.from(',"leaf_hash":"');
const PROOF_KEY = Buffer.from('","inclusion_proof":[');
const HEX_LENGTH = 64;
/** One element of a proof as written: `"<64 hex>"` and its comma. */
const ELEMENT_STRIDE = HEX_LENGTH + 3;
const QUOTE = 0x22;
const COMMA = 0x2c;
const MAX_INDEX_DIGITS = 16;

/**
 * The inclusion proof of a line, read where it is written: element `i` is the 64 hex digits at
 * `start + i * 67 + 1`. Its quotes, commas and digits are checked when an element is compared, so
 * that a proof read whole is a proof checked whole.
 */
export class ProofBytes {
  constructor(
    private readonly bytes: Buffer,
    private readonly start: number,
    readonly length: number,
  ) {}

  /** Whether element `i` is written as `"<hex>"` with `hex` the given lower-case hex (as bytes). */
  is(i: number, hex: Buffer): boolean {
    const at = this.start + i * ELEMENT_STRIDE;
    return this.separatedAt(i) && this.bytes.compare(hex, 0, HEX_LENGTH, at + 1, at + 1 + HEX_LENGTH) === 0;
  }

  /** Element `i` as written, for a claim to be compared later; undefined when it is not quoted lower-case hex. */
  at(i: number): Buffer | undefined {
    const at = this.start + i * ELEMENT_STRIDE + 1;
    if (!this.separatedAt(i) || !isLowerHex(this.bytes, at, at + HEX_LENGTH)) return undefined;
    return this.bytes.subarray(at, at + HEX_LENGTH);
  }

  /**
   * Whether the last `count` elements are written as the last `count` elements of `other`, byte
   * for byte: consecutive leaves share the siblings of their common ancestors, so a proof already
   * checked vouches for what it has in common with the next.
   */
  endsLike(other: ProofBytes, count: number): boolean {
    if (count === 0) return true;
    const from = this.start + (this.length - count) * ELEMENT_STRIDE;
    const otherFrom = other.start + (other.length - count) * ELEMENT_STRIDE;
    const bytes = count * ELEMENT_STRIDE - 1;
    return this.bytes.compare(other.bytes, otherFrom, otherFrom + bytes, from, from + bytes) === 0;
  }

  /** The hashes, decoded; undefined when one is not written as lower-case hex. */
  hashes(): Buffer[] | undefined {
    const hashes: Buffer[] = [];
    for (let i = 0; i < this.length; i += 1) {
      const hex = this.at(i);
      if (hex === undefined) return undefined;
      hashes.push(Buffer.from(hex.toString('latin1'), 'hex'));
    }
    return hashes;
  }

  private separatedAt(i: number): boolean {
    const at = this.start + i * ELEMENT_STRIDE;
    return this.bytes[at] === QUOTE && this.bytes[at + 1 + HEX_LENGTH] === QUOTE && (i === this.length - 1 || this.bytes[at + 2 + HEX_LENGTH] === COMMA);
  }
}

export interface WrittenEntryLine {
  index: number;
  /** The entry's bytes as written (its JCS text when the line is the service's). */
  entry: Buffer;
  /** The claimed leaf hash, 64 lower-case hex digits. */
  claimedLeaf: string;
  proof: ProofBytes;
}

/** Reads an entry line written as the service writes it; undefined for any other line. */
export function writtenEntryLine(bytes: Buffer): WrittenEntryLine | undefined {
  if (bytes.length < LINE_START.length || bytes.compare(LINE_START, 0, LINE_START.length, 0, LINE_START.length) !== 0) return undefined;
  const digitsEnd = digitsFrom(bytes, LINE_START.length);
  if (digitsEnd === undefined || !startsWithAt(bytes, ENTRY_KEY, digitsEnd)) return undefined;
  const index = Number(bytes.toString('latin1', LINE_START.length, digitsEnd));
  if (!Number.isSafeInteger(index)) return undefined;
  const entryStart = digitsEnd + ENTRY_KEY.length;
  const leafKey = bytes.lastIndexOf(LEAF_KEY);
  if (leafKey <= entryStart) return undefined;
  const leafStart = leafKey + LEAF_KEY.length;
  if (!isLowerHex(bytes, leafStart, leafStart + HEX_LENGTH) || !startsWithAt(bytes, PROOF_KEY, leafStart + HEX_LENGTH)) return undefined;
  const proofStart = leafStart + HEX_LENGTH + PROOF_KEY.length;
  const proofBytes = bytes.length - 2 - proofStart;
  if (proofBytes < 0 || bytes[bytes.length - 2] !== 0x5d || bytes[bytes.length - 1] !== 0x7d) return undefined;
  const length = proofBytes === 0 ? 0 : (proofBytes + 1) / ELEMENT_STRIDE;
  if (!Number.isInteger(length) || length > MAX_PROOF_LENGTH) return undefined;
  return {
    index,
    entry: bytes.subarray(entryStart, leafKey),
    claimedLeaf: bytes.toString('latin1', leafStart, leafStart + HEX_LENGTH),
    proof: new ProofBytes(bytes, proofStart, length),
  };
}

/** The end of a JSON non-negative integer written from `at` (no leading zero), at most 16 digits. */
function digitsFrom(bytes: Buffer, at: number): number | undefined {
  let end = at;
  while (end < bytes.length && bytes[end]! >= 0x30 && bytes[end]! <= 0x39) end += 1;
  const digits = end - at;
  if (digits === 0 || digits > MAX_INDEX_DIGITS || (digits > 1 && bytes[at] === 0x30)) return undefined;
  return end;
}

function startsWithAt(bytes: Buffer, what: Buffer, at: number): boolean {
  return at + what.length <= bytes.length && bytes.compare(what, 0, what.length, at, at + what.length) === 0;
}

function isLowerHex(bytes: Buffer, from: number, to: number): boolean {
  if (to > bytes.length) return false;
  for (let i = from; i < to; i += 1) {
    const byte = bytes[i]!;
    if (!((byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66))) return false;
  }
  return true;
}
