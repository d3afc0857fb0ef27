// The forms in which untrusted text is searched for injection attempts, so that a rule written once
// in plain lower-case ASCII also matches the ways people hide it: case, accents, zero-width and other
// invisible characters, compatibility forms (fullwidth, mathematical letters), Cyrillic and Greek
// look-alikes, letters spaced out ("i g n o r e"), leetspeak ("1gn0re").
//
// Everything here runs in time linear in the text. Notably, String.prototype.normalize is not called
// on the text: it reorders runs of combining marks in quadratic time (a few hundred kilobytes of marks
// take minutes). Each code point is normalised alone instead (the marks are dropped anyway), and the
// result is cached per code point.

/** Look-alikes that compatibility normalisation leaves as they are, after lower-casing. */
const CONFUSABLES: Readonly<Record<string, string>> = {
  // Cyrillic
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x',
  ѕ: 's', і: 'i', ї: 'i', ј: 'j', һ: 'h', ԁ: 'd', ԛ: 'q', ԝ: 'w', ӏ: 'l', ү: 'y',
  // Greek
  α: 'a', β: 'b', γ: 'y', ε: 'e', ζ: 'z', η: 'n', ι: 'i', κ: 'k', μ: 'u', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ω: 'w',
  // Latin letters without a decomposition
  ı: 'i', ł: 'l', ø: 'o', đ: 'd', ħ: 'h', ŧ: 't', ß: 'ss', æ: 'ae', œ: 'oe', ɡ: 'g', ɑ: 'a', ǝ: 'e', ſ: 's',
};

const MARK = /^\p{M}$/u;
const INVISIBLE = /^[\p{Cf}\p{Default_Ignorable_Code_Point}]$/u;
const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;
const MAX_CACHED = 1 << 16;
const foldedCodePoints = new Map<number, string>();

/** One non-ASCII code point folded: letters to their base lower-case form, invisibles to nothing, other symbols to a space. */
function foldCodePoint(codePoint: number): string {
  const cached = foldedCodePoints.get(codePoint);
  if (cached !== undefined) return cached;
  let folded = '';
  for (const piece of String.fromCodePoint(codePoint).normalize('NFKD').toLowerCase()) {
    if (MARK.test(piece) || INVISIBLE.test(piece)) continue;
    const plain = CONFUSABLES[piece];
    if (plain !== undefined) folded += plain;
    else if (piece.charCodeAt(0) < 0x80 || LETTER_OR_DIGIT.test(piece)) folded += piece;
    else folded += ' ';
  }
  if (foldedCodePoints.size < MAX_CACHED) foldedCodePoints.set(codePoint, folded);
  return folded;
}

/** The text lower-cased, without accents or invisible characters, look-alikes replaced; line breaks and ASCII punctuation kept. */
export function foldForDetection(text: string): string {
  const parts: string[] = [];
  let asciiFrom = 0;
  for (let i = 0; i < text.length; ) {
    const codePoint = text.codePointAt(i)!;
    if (codePoint < 0x80) {
      i++;
      continue;
    }
    if (asciiFrom < i) parts.push(text.slice(asciiFrom, i).toLowerCase());
    parts.push(foldCodePoint(codePoint));
    i += codePoint > 0xffff ? 2 : 1;
    asciiFrom = i;
  }
  parts.push(text.slice(asciiFrom).toLowerCase());
  return parts.join('');
}

const LEET: Readonly<Record<string, string>> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '9': 'g', '@': 'a', $: 's' };

const isAsciiLetter = (c: number) => c >= 0x61 && c <= 0x7a;
const isWordChar = (c: number) => isAsciiLetter(c) || (c >= 0x30 && c <= 0x39) || c === 0x40 || c === 0x24 || c >= 0x80;

/** Leetspeak read as letters ("1gn0re"), in words that hold a letter: numbers stay numbers. */
function lettersOf(word: string): string {
  if (!/[a-z\u0080-\uffff]/u.test(word) || !/[0-9@$]/u.test(word)) return word;
  return [...word].map((c) => LEET[c] ?? c).join('');
}

/** A word as rules compare it: leetspeak read as letters, a plural `s` dropped. */
export function normaliseWord(word: string): string {
  const letters = lettersOf(word);
  return letters.length > 4 && letters.endsWith('s') && !letters.endsWith('ss') ? letters.slice(0, -1) : letters;
}

/** Shortest run of one-letter words read as a single spaced-out word ("i g n o r e"). */
const MIN_SPACED_RUN = 3;

/**
 * The words of a folded text as written, spaced-out words joined, in one pass. A one-letter word is
 * held in `spaced` while the next word is one letter too, one separator away (not a line break).
 */
function rawWords(folded: string): string[] {
  const words: string[] = [];
  let spaced: string[] = [];
  let spacedEnd = -1;
  const endSpaced = () => {
    if (spaced.length >= MIN_SPACED_RUN) words.push(spaced.join(''));
    else words.push(...spaced);
    spaced = [];
  };
  let start = -1;
  for (let i = 0; i <= folded.length; i++) {
    if (i < folded.length && isWordChar(folded.charCodeAt(i))) {
      if (start === -1) start = i;
      continue;
    }
    if (start === -1) continue;
    const letter = i - start === 1;
    if (!(letter && spaced.length > 0 && start - spacedEnd === 1 && folded[spacedEnd] !== '\n')) endSpaced();
    if (letter) {
      spaced.push(folded[start]!);
      spacedEnd = i;
    } else words.push(folded.slice(start, i));
    start = -1;
  }
  endSpaced();
  return words;
}

/**
 * The words of a folded text as rules compare them, and all its words joined with no separator (for
 * phrases spelled out with other spacing: "ignore-previous-instructions", "ig nore previous"). A run
 * of at least three one-letter words, one separator between each, is one word ("i.g.n.o.r.e").
 */
export function detectionWords(folded: string): { words: string[]; squashed: string } {
  const raw = rawWords(folded);
  return { words: raw.map(normaliseWord), squashed: raw.map(lettersOf).join('') };
}
