// Character classes by UTF-16 code unit, without regular expressions: the scanners walk the text once.

export const isDigit = (c: number): boolean => c >= 48 && c <= 57;
export const isUpperAscii = (c: number): boolean => c >= 65 && c <= 90;
export const isLowerAscii = (c: number): boolean => c >= 97 && c <= 122;
export const isAsciiLetter = (c: number): boolean => isUpperAscii(c) || isLowerAscii(c);

/** ASCII and Latin letters (Latin-1, Extended-A and B, Extended Additional): what French and EU names are written with. */
export function isLetter(c: number): boolean {
  if (c < 128) return isAsciiLetter(c);
  return (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7) || (c >= 0x1e00 && c <= 0x1eff);
}

/** The capitals among the letters, worked out once per code unit (a letter whose lower case differs): the test is a read of a table. */
const UPPER_LETTERS = new Uint8Array(0x10000);
for (let c = 0; c < UPPER_LETTERS.length; c++) {
  const char = String.fromCharCode(c);
  if (isLetter(c) && char.toLowerCase() !== char) UPPER_LETTERS[c] = 1;
}

export function isUpperLetter(c: number): boolean {
  return UPPER_LETTERS[c] === 1;
}

export const isAlnum = (c: number): boolean => isDigit(c) || isLetter(c);

/** The code unit at `index`, or -1 outside the text (a boundary). */
export const codeAt = (text: string, index: number): number => (index >= 0 && index < text.length ? text.charCodeAt(index) : -1);

/** Nothing alphanumeric touches this side of a token. */
export const isBoundary = (text: string, index: number): boolean => {
  const c = codeAt(text, index);
  return c === -1 || !isAlnum(c);
};

/**
 * A number starts at `start`: nothing alphanumeric before it, and it does not continue a group of
 * digits ("1234 5678": the 5 starts no number of its own).
 */
export const startsNumber = (text: string, start: number): boolean => {
  const before = codeAt(text, start - 1);
  if (before === -1) return true;
  if (isAlnum(before)) return false;
  return !isDigit(codeAt(text, start - 2)) || !(isNumberSpace(before) || before === 45 || before === 46);
};

/** A number ends at `end`: nothing alphanumeric after it, and no group of digits continues it. */
export const endsNumber = (text: string, end: number): boolean => {
  const after = codeAt(text, end);
  if (after === -1) return true;
  if (isAlnum(after)) return false;
  return !isDigit(codeAt(text, end + 1)) || !(isNumberSpace(after) || after === 45 || after === 46);
};

/** Another group of digits follows at `end`, after one separator: a run shorter than a whole number can start a grouped one. */
export const groupFollows = (text: string, end: number, separator: (c: number) => boolean): boolean => separator(codeAt(text, end)) && isDigit(codeAt(text, end + 1));

/** Spaces that may sit inside a printed number: space, no-break space, narrow no-break space. */
export const isNumberSpace = (c: number): boolean => c === 32 || c === 0xa0 || c === 0x202f;

/**
 * A line break where a printed number was wrapped between two of its groups: "\n" or "\r\n", with
 * at most one space or tab on each side. Its length from `i`, or 0 (a blank line is no wrap).
 */
export function wrapAt(text: string, i: number): number {
  let j = i;
  let c = codeAt(text, j);
  if (isNumberSpace(c) || c === 9) c = codeAt(text, ++j);
  if (c === 10) j++;
  else if (c === 13 && codeAt(text, j + 1) === 10) j += 2;
  else return 0;
  c = codeAt(text, j);
  return isNumberSpace(c) || c === 9 ? j + 1 - i : j - i;
}

/** Blanks between words: spaces, tabs, line breaks. */
export const isBlank = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13 || c === 0xa0 || c === 0x202f;

/** A set of words in the three ways they are written (lower case, Capitalised, UPPER CASE), so that lookups need no case conversion. */
export function caseForms(words: Iterable<string>): ReadonlySet<string> {
  const forms = new Set<string>();
  for (const word of words) {
    const lower = word.toLowerCase();
    forms.add(lower).add(lower[0]!.toUpperCase() + lower.slice(1)).add(lower.toUpperCase());
  }
  return forms;
}

/**
 * A hash of text[start, end) with ASCII and Latin-1 capitals folded to lower case, read in place:
 * a word whose hash is in none of a recogniser's sets is skipped without being copied out.
 */
export function foldedHash(text: string, start: number, end: number): number {
  let hash = HASH_SEED;
  for (let i = start; i < end; i++) hash = hashStep(hash, text.charCodeAt(i));
  return hashEnd(hash);
}

export const HASH_SEED = 0x811c9dc5;

/** FNV-1a, one code unit, capitals folded. */
export function hashStep(hash: number, c: number): number {
  const folded = (c >= 65 && c <= 90) || (c >= 0xc0 && c <= 0xde && c !== 0xd7) ? c + 32 : c;
  return Math.imul(hash ^ folded, 0x01000193);
}

/** 30 bits: a small integer for the engine, kept unboxed in sets. */
export const hashEnd = (hash: number): number => hash & 0x3fffffff;

/** How many of a hash's 30 bits index the bitmap of FoldedHashes: 2^17 bits, 16 KiB per set. */
const FILTER_BITS = 17;

/**
 * The folded hashes of a set of words, looked up through a bitmap of their top bits first: most
 * words of a text are in none of a recogniser's sets and are turned away by one array read, before
 * the set's own lookup (which costs several times more) is paid.
 */
export class FoldedHashes {
  private readonly bits = new Int32Array(1 << (FILTER_BITS - 5));
  private readonly hashes = new Set<number>();

  constructor(words: Iterable<string>) {
    for (const word of words) {
      const hash = foldedHash(word, 0, word.length);
      this.hashes.add(hash);
      const slot = hash >>> (30 - FILTER_BITS);
      this.bits[slot >>> 5]! |= 1 << (slot & 31);
    }
  }

  has(hash: number): boolean {
    const slot = hash >>> (30 - FILTER_BITS);
    return (this.bits[slot >>> 5]! & (1 << (slot & 31))) !== 0 && this.hashes.has(hash);
  }
}

export const foldedHashes = (words: Iterable<string>): FoldedHashes => new FoldedHashes(words);
