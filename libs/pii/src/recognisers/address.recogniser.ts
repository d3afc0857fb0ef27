// ADDRESS: French postal addresses, found from the street type ("rue", "av.", "boulevard"…): the
// house number before it (12, 12 bis, 12B, "12, rue…"), the street's name after it (capitalised
// words and particles: "de la République", "Saint-Germain", "de l'Horloge"), then, on the same line
// or the next, the postal code (a department's) and the commune ("Le Havre", "Paris Cedex 08").
// A street without a number counts only when a postal code and a commune follow it.
import type { Candidate, PiiRecogniser } from '../finding.js';
import { ScanInput, type Tokens, type WordTokens } from '../scan-input.js';
import { caseForms, codeAt, foldedHashes, isDigit, isUpperLetter, type FoldedHashes } from '../text-chars.js';
import { ABBREVIATED_TYPES, STREET_TYPES } from './street-types.js';

// Above every PERSON score: a street named after someone ("avenue Jean Jaurès") is an address.
const SCORE_FULL = 0.88;
const SCORE_STREET = 0.86;
const SCORE_NO_NUMBER = 0.86;
const MAX_NAME_WORDS = 8;

const NUMBER_SUFFIXES = caseForms(['bis', 'ter', 'quater', 'a', 'b', 'c', 't']);
const PARTICLES = caseForms(['de', 'du', 'des', 'la', 'le', 'les', 'aux', 'au', 'à', 'en', 'sur', 'sous', 'et', 'lès', 'lez']);
const COMMUNE_ARTICLES = caseForms(['le', 'la', 'les', 'saint', 'sainte', 'st', 'ste']);

const CEDEX = caseForms(['cedex']);
const TYPE_HASHES = foldedHashes([...STREET_TYPES, ...ABBREVIATED_TYPES]);
const COMMUNE_ARTICLE_HASHES = foldedHashes(COMMUNE_ARTICLES);
const CEDEX_HASHES = foldedHashes(CEDEX);

/** "Hugo", "Saint-Germain", "l'Horloge", "d'Alésia". */
function isNameWord(word: string): boolean {
  const c = word.charCodeAt(0);
  if (isUpperLetter(c)) return true;
  return (c === 108 /* l */ || c === 100) /* d */ && (word[1] === "'" || word[1] === '’') && isUpperLetter(word.charCodeAt(2));
}

/** A department's postal code, the digits [start, end): 01 to 95, overseas 97 and 98 (Corsica's start with 20). */
function plausiblePostalCode(text: string, start: number, end: number): boolean {
  const department = (text.charCodeAt(start) - 48) * 10 + text.charCodeAt(start + 1) - 48;
  return end - start === 5 && department >= 1 && (department <= 95 || department === 97 || department === 98);
}

class StreetWords {
  constructor(
    private readonly text: string,
    private readonly words: WordTokens,
  ) {}

  word(k: number): string {
    return this.text.slice(this.words.starts[k], this.words.ends[k]);
  }

  /** Word k is one of `words`, whose folded hashes are `hashes`: copied out only when its hash is one of them. */
  isOneOf(k: number, hashes: FoldedHashes, words: ReadonlySet<string>): boolean {
    return hashes.has(this.words.hashes[k]!) && words.has(this.word(k));
  }

  gap(k: number): string {
    return k + 1 < this.words.starts.length ? this.text.slice(this.words.ends[k], this.words.starts[k + 1]) : '';
  }

  spaced(k: number): boolean {
    const end = this.words.ends[k]!;
    return k + 1 < this.words.starts.length && this.words.starts[k + 1] === end + 1 && this.text.charCodeAt(end) === 32;
  }
}

export class AddressRecogniser implements PiiRecogniser {
  readonly name = 'address';

  find(input: ScanInput): Candidate[] {
    const candidates: Candidate[] = [];
    const { text, words } = input;
    const street = new StreetWords(text, words);
    for (let k = 0; k < words.starts.length; k++) {
      if (!TYPE_HASHES.has(words.hashes[k]!)) continue;
      const type = street.word(k);
      const abbreviated = ABBREVIATED_TYPES.has(type);
      if (!abbreviated && !STREET_TYPES.has(type)) continue;
      const gap = street.gap(k);
      if (gap !== ' ' && !(abbreviated && gap === '. ')) continue;
      const nameEnd = this.streetNameEnd(street, k + 1, words.starts.length);
      if (nameEnd === -1) continue;
      const numberStart = this.houseNumberStart(text, street, k, words);
      const locality = this.localityEnd(text, street, words, words.ends[nameEnd]!);
      if (numberStart === -1 && locality === -1) continue;
      const start = numberStart !== -1 ? numberStart : words.starts[k]!;
      const end = locality !== -1 ? locality : words.ends[nameEnd]!;
      candidates.push({ type: 'ADDRESS', start, end, score: numberStart === -1 ? SCORE_NO_NUMBER : locality === -1 ? SCORE_STREET : SCORE_FULL });
    }
    return candidates;
  }

  /** The street's name from word `first`: particles and capitalised words, one space apart, ending on a capitalised word. */
  private streetNameEnd(street: StreetWords, first: number, count: number): number {
    let last = -1;
    for (let j = first; j < count && j - first < MAX_NAME_WORDS; j++) {
      const word = street.word(j);
      if (isNameWord(word)) last = j;
      else if (!PARTICLES.has(word)) break;
      if (!street.spaced(j)) break;
    }
    return last;
  }

  /** Where "12", "12 bis", "12B" or "12," before the street type starts, or -1. */
  private houseNumberStart(text: string, street: StreetWords, k: number, words: Tokens): number {
    let i = words.starts[k]!;
    if (codeAt(text, i - 1) !== 32) return -1;
    i--;
    if (codeAt(text, i - 1) === 44 /* , */) i--;
    if (k > 0 && words.ends[k - 1] === i && NUMBER_SUFFIXES.has(street.word(k - 1))) {
      i = words.starts[k - 1]!;
      if (codeAt(text, i - 1) === 32 && isDigit(codeAt(text, i - 2))) i--;
    }
    let start = i;
    while (start > 0 && i - start < 5 && isDigit(text.charCodeAt(start - 1))) start--;
    const digits = i - start;
    if (digits === 0 || digits > 4 || isDigit(codeAt(text, start - 1)) || text[start] === '0') return -1;
    const before = codeAt(text, start - 1);
    return before === -1 || before === 32 || before === 10 || before === 44 || before === 9 || before === 40 ? start : -1;
  }

  /** After the street's name at `from`: ", 75002 Paris", " 69003 Lyon", a line break then "13001 Marseille Cedex 01". The end, or -1. */
  private localityEnd(text: string, street: StreetWords, words: Tokens, from: number): number {
    let i = from;
    if (codeAt(text, i) === 44) i++;
    if (codeAt(text, i) === 32 || codeAt(text, i) === 10) i++;
    else if (codeAt(text, i) === 13 && codeAt(text, i + 1) === 10) i += 2;
    if (i === from || !isDigit(codeAt(text, i))) return -1;
    let codeEnd = i;
    while (codeEnd - i < 6 && isDigit(codeAt(text, codeEnd))) codeEnd++;
    if (!plausiblePostalCode(text, i, codeEnd) || codeAt(text, codeEnd) !== 32) return -1;
    let w = ScanInput.firstFrom(words, codeEnd + 1);
    if (w >= words.starts.length || words.starts[w] !== codeEnd + 1 || !isUpperLetter(text.charCodeAt(codeEnd + 1))) return -1;
    if (street.isOneOf(w, COMMUNE_ARTICLE_HASHES, COMMUNE_ARTICLES) && street.spaced(w) && isUpperLetter(text.charCodeAt(words.starts[w + 1]!))) w++;
    let end = words.ends[w]!;
    if (street.spaced(w) && street.isOneOf(w + 1, CEDEX_HASHES, CEDEX)) {
      end = words.ends[w + 1]!;
      if (codeAt(text, end) === 32 && isDigit(codeAt(text, end + 1))) {
        let j = end + 1;
        while (j - end <= 3 && isDigit(codeAt(text, j))) j++;
        if (j - end <= 3) end = j;
      }
    }
    return end;
  }
}
