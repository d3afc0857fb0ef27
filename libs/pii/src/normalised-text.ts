// What the recognisers read: the text as a reader sees it, so that an identifier disguised with
// invisible characters, full-width forms or look-alike letters reads as the plain one. Each cluster
// (a character and the combining marks after it) is folded by NFKC, then loses what is invisible
// (default-ignorable code points, control characters) and the combining marks NFKC left uncomposed;
// the Cyrillic and Greek letters drawn like Latin ones become those, as do a few dashes, and the
// decimal digits of other scripts become ASCII digits. The at sign and the dot percent-encoded, as
// in a link ("jean.dupont%40example.fr", "%2E"), once or twice ("%2540"), or written as HTML
// character references, as in a page or a mail ("jean&#46;dupont&#64;exemple&#46;fr", "&#x40;",
// "&commat;", "&period;"), are read as they are meant; every other escape or reference is left.
// Most texts hold none of these: they are their own normalised text, found so by one search of the
// text. Where a fold changes the length, where it happened is recorded, so that a span of the
// normalised text maps back to the characters it was read from, the invisible ones inside it included.

/** How a code unit reads: as it is, folded (or the start of a code point read whole), or a combining mark that folds with what it follows. */
const UNSEEN = 0;
const KEPT = 1;
const FOLDED = 2;
const MARK = 3;
/** A percent sign or an ampersand, which may start an escape or a character reference (read by escapeLength). */
const ESCAPE = 4;

/**
 * The Latin letter (or ASCII hyphen) each of these is drawn like, Cyrillic first, then Greek (written
 * as escapes: in the source they would pass for the Latin letters). Kept small: letters that pass for
 * Latin ones in the fonts people read, not Unicode's whole table of confusables.
 */
const LOOK_ALIKES: ReadonlyMap<number, string> = new Map(
  Object.entries({
    a: '\u0430 \u03B1', c: '\u0441', d: '\u0501', e: '\u0435', h: '\u04BB', i: '\u0456 \u03B9', j: '\u0458', l: '\u04CF', o: '\u043E \u03BF',
    p: '\u0440 \u03C1', q: '\u051B', s: '\u0455', u: '\u03C5', v: '\u03BD', w: '\u051D', x: '\u0445 \u03C7', y: '\u0443 \u03B3',
    A: '\u0410 \u0391', B: '\u0412 \u0392', C: '\u0421', E: '\u0415 \u0395', H: '\u041D \u0397', I: '\u0406 \u0399', J: '\u0408', K: '\u041A \u039A', M: '\u041C \u039C',
    N: '\u039D', O: '\u041E \u039F', P: '\u0420 \u03A1', Q: '\u051A', S: '\u0405', T: '\u0422 \u03A4', W: '\u051C', X: '\u0425 \u03A7', Y: '\u0423 \u03A5 \u04AE', Z: '\u0396',
    '-': '\u2010 \u2012 \u2212',
  }).flatMap(([latin, alikes]) => alikes.split(' ').map((alike) => [alike.codePointAt(0)!, latin] as const)),
);

/** Invisible, a combining mark, or a control character other than the white space ones (tab to carriage return, next line). */
const DROPPED = /^[\p{Default_Ignorable_Code_Point}\p{M}\p{Cc}]$/u;
const WHITE_CONTROL = /^[\t-\r\u0085]$/u;
const COMBINING = /^\p{M}$/u;
const DECIMAL = /^\p{Nd}$/u;

/** A cluster holds at most this many marks: NFKC reorders a run of marks in time quadratic in its length. */
const MAX_MARKS = 16;
/** Folds of clusters other than one BMP code unit, remembered up to this many (untrusted text could hold any number of them). */
const MAX_CACHED = 4096;

const kinds = new Uint8Array(0x10000);
kinds[37] = ESCAPE;
kinds[38] = ESCAPE;
const foldedUnits = new Map<number, string>();
const foldedClusters = new Map<string, string>();

/** The ASCII digit of a decimal digit of another script: Unicode encodes each script's digits 0 to 9 in a row. */
function asciiDigit(char: string): string | undefined {
  const code = char.codePointAt(0)!;
  if (code < 0x80 || !DECIMAL.test(char)) return undefined;
  let zero = code;
  while (DECIMAL.test(String.fromCodePoint(zero - 1))) zero--;
  return String((code - zero) % 10);
}

function fold(cluster: string): string {
  let folded = '';
  for (const char of cluster.normalize('NFKC')) {
    if (DROPPED.test(char) && !WHITE_CONTROL.test(char)) continue;
    folded += LOOK_ALIKES.get(char.codePointAt(0)!) ?? asciiDigit(char) ?? char;
  }
  return folded;
}

function classify(c: number): number {
  // A surrogate is read with its pair, as one code point.
  if (c >= 0xd800 && c <= 0xdfff) return FOLDED;
  // No-break spaces, which NFKC makes spaces, are read as spaces by the recognisers already.
  if (c === 0xa0 || c === 0x202f) return KEPT;
  const char = String.fromCharCode(c);
  if (COMBINING.test(char)) return MARK;
  const folded = fold(char);
  if (folded === char) return KEPT;
  foldedUnits.set(c, folded);
  return FOLDED;
}

function kindOf(c: number): number {
  const kind = kinds[c]!;
  return kind !== UNSEEN ? kind : (kinds[c] = classify(c));
}

function foldedCluster(cluster: string): string {
  const unit = foldedUnits.get(cluster.charCodeAt(0));
  if (cluster.length === 1 && unit !== undefined) return unit;
  let folded = foldedClusters.get(cluster);
  if (folded === undefined) {
    folded = fold(cluster);
    if (foldedClusters.size < MAX_CACHED) foldedClusters.set(cluster, folded);
  }
  return folded;
}

/**
 * Any code unit but those that French and most European text is written with and that read as they
 * are (ASCII but the percent sign and the ampersand, which may start an escape or a reference, the
 * Latin-1 letters and signs that NFKC leaves, œ, quotes and dashes, €): the search for what to fold
 * then runs in the regular expression engine, a few times faster than a loop here (a longer class is
 * slower). What it lets through is decided by `kindOf` (and, for a percent sign or an ampersand,
 * escapeLength); a test checks that it holds nothing that folds.
 */
const NOT_SURELY_KEPT = /[^\t-\r\x20-\x24\x27-\x7e\u00a0-\u00a7\u00a9\u00ab\u00ac\u00ae\u00b0\u00b1\u00b6\u00b7\u00bb\u00bf-\u0131\u0152\u0153\u2013\u2014\u2018-\u201d\u2020-\u2022\u20ac]/g;

function firstToFold(text: string): number {
  NOT_SURELY_KEPT.lastIndex = 0;
  while (NOT_SURELY_KEPT.test(text)) {
    const i = NOT_SURELY_KEPT.lastIndex - 1;
    const kind = kindOf(text.charCodeAt(i));
    if (kind !== KEPT && (kind !== ESCAPE || escapeLength(text, i) > 0)) return i;
  }
  return -1;
}

/**
 * The length of the escape at `i` (a percent sign or an ampersand) that stands for an at sign or a
 * dot: "%40", "%2E" or "%2e", or one of these with its percent sign itself encoded ("%2540"); or a
 * character reference (referenceLength); 0 for any other.
 */
function escapeLength(text: string, i: number): number {
  if (text.charCodeAt(i) === 38) return referenceLength(text, i);
  const j = text.charCodeAt(i + 1) === 50 && text.charCodeAt(i + 2) === 53 ? i + 3 : i + 1;
  const high = text.charCodeAt(j);
  const low = text.charCodeAt(j + 1);
  return (high === 52 && low === 48) || (high === 50 && (low === 69 || low === 101)) ? j + 2 - i : 0;
}

/** Digits a numeric character reference is read with: at most six (leading zeros included), so that a read is bounded. */
const MAX_REFERENCE_DIGITS = 6;

/** The value of hexadecimal digit `c`, or -1. */
const hexValue = (c: number): number => (c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1);

/**
 * The length of the HTML character reference at `i` (an ampersand) that stands for an at sign or a
 * dot: "&#64;", "&#46;", "&#x40;", "&#X2E;" or "&#x2e;" (one to six digits, leading zeros
 * included, and the semicolon), or the named "&commat;" and "&period;" (names are case-sensitive);
 * 0 for any other.
 */
function referenceLength(text: string, i: number): number {
  if (text.charCodeAt(i + 1) !== 35 /* # */) return text.startsWith('&commat;', i) ? 8 : text.startsWith('&period;', i) ? 8 : 0;
  const x = text.charCodeAt(i + 2);
  const hex = x === 120 || x === 88; /* x, X */
  const base = hex ? 16 : 10;
  const first = hex ? i + 3 : i + 2;
  let value = 0;
  let j = first;
  for (; j - first < MAX_REFERENCE_DIGITS; j++) {
    const digit = hexValue(text.charCodeAt(j));
    if (digit === -1 || digit >= base) break;
    value = value * base + digit;
  }
  return j > first && text.charCodeAt(j) === 59 /* ; */ && (value === 64 || value === 46) ? j + 1 - i : 0;
}

/**
 * The character an escape of escapeLength stands for, by its last digit or letter before the
 * semicolon of a reference: "0" of %40 and &#x40;, "4" of &#64;, "t" of &commat; are an at sign;
 * "E" or "e" of %2E and &#x2E;, "6" of &#46;, "d" of &period; a dot.
 */
function unescaped(text: string, end: number): string {
  const last = text.charCodeAt(text.charCodeAt(end - 1) === 59 ? end - 2 : end - 1);
  return last === 48 /* 0 */ || last === 52 /* 4 */ || last === 116 /* t */ ? '@' : '.';
}

/** The clusters whose fold changed their length, in order: where each stands in the normalised text and in the original. */
interface Folds {
  readonly starts: number[];
  readonly ends: number[];
  readonly originalStarts: number[];
  readonly originalEnds: number[];
}

export class NormalisedText {
  private constructor(
    /** What the recognisers read. */
    readonly text: string,
    private readonly folds: Folds | undefined,
  ) {}

  static of(original: string): NormalisedText {
    const first = firstToFold(original);
    return first === -1 ? new NormalisedText(original, undefined) : NormalisedText.folded(original, first);
  }

  /** The text read as it is written: offsets need no mapping. */
  get unchanged(): boolean {
    return this.folds === undefined;
  }

  /** The span of the original text that [start, end) of the normalised text was read from: from its first character's start to its last one's end. */
  originalSpan(start: number, end: number): { start: number; end: number } {
    if (this.folds === undefined) return { start, end };
    const first = this.foldAt(start);
    const last = this.foldAt(end - 1);
    const { ends, originalStarts, originalEnds } = this.folds;
    return {
      start: first === -1 ? start : start < ends[first]! ? originalStarts[first]! : originalEnds[first]! + start - ends[first]!,
      end: last === -1 ? end : end - 1 < ends[last]! ? originalEnds[last]! : originalEnds[last]! + end - ends[last]!,
    };
  }

  /** The last fold that starts at or before `unit` of the normalised text, or -1. */
  private foldAt(unit: number): number {
    const { starts } = this.folds!;
    let low = 0;
    let high = starts.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (starts[middle]! <= unit) low = middle + 1;
      else high = middle;
    }
    return low - 1;
  }

  /** From `first`, the first code unit not kept as it is: runs kept are copied, clusters folded, escapes read. */
  private static folded(original: string, first: number): NormalisedText {
    const folds: Folds = { starts: [], ends: [], originalStarts: [], originalEnds: [] };
    const length = original.length;
    let text = '';
    let copiedTo = 0;
    /** original[start, end) is read as `folded`; where that changes the length, it is recorded. */
    const replace = (start: number, end: number, folded: string): void => {
      text += original.slice(copiedTo, start);
      if (folded.length !== 1 || end - start !== 1) {
        folds.starts.push(text.length);
        folds.ends.push(text.length + folded.length);
        folds.originalStarts.push(start);
        folds.originalEnds.push(end);
      }
      text += folded;
      copiedTo = end;
    };
    let i = first;
    while (i < length) {
      const c = original.charCodeAt(i);
      if (c === 37 || c === 38) {
        // A percent sign or an ampersand that starts no escape is kept as it is.
        const escape = escapeLength(original, i);
        if (escape > 0) replace(i, i + escape, unescaped(original, i + escape));
        i += escape || 1;
      } else {
        // A mark folds with the character before it ("e" and U+0301 make "é").
        const start = kindOf(c) === MARK && i > copiedTo && kindOf(original.charCodeAt(i - 1)) === KEPT ? i - 1 : i;
        let end = c >= 0xd800 && c <= 0xdbff && (original.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? i + 2 : i + 1;
        for (let marks = start < i ? 1 : 0; end < length && marks < MAX_MARKS && kindOf(original.charCodeAt(end)) === MARK; marks++) end++;
        const cluster = original.slice(start, end);
        const folded = foldedCluster(cluster);
        if (folded !== cluster) replace(start, end, folded);
        i = end;
      }
      while (i < length && kindOf(original.charCodeAt(i)) === KEPT) i++;
    }
    text += original.slice(copiedTo);
    return new NormalisedText(text, folds);
  }
}
