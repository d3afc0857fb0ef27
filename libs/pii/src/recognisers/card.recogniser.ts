// CARD: payment card numbers, 12 to 19 digits under Luhn, whose first digits (IIN) and length are
// those of a scheme, compact or in the groups cards are printed with (4-4-4-4, Amex 4-6-5, Diners
// 4-6-4), spaces or dashes.
import { luhnValid } from '../checksums.js';
import { ContextWords } from '../context-words.js';
import type { Candidate, PiiRecogniser } from '../finding.js';
import { cutGrouped, readGrouped } from '../grouped-number.js';
import { fromDigitRuns } from '../digit-runs.js';
import type { ScanInput } from '../scan-input.js';
import { groupFollows, isDigit, isNumberSpace, startsNumber } from '../text-chars.js';

const SCORE = 0.95;
const SCORE_IN_CONTEXT = 0.97;
/** 14 digits under Luhn are a SIRET as often as a Diners card: without a word of cards, the SIRET wins. */
const SCORE_AMBIGUOUS = 0.8;
const CARD_WORDS = new ContextWords(['carte', 'cb', 'card', 'visa', 'mastercard', 'amex', 'american', 'paiement', 'payment', 'crédit', 'credit', 'débit']);

interface Scheme {
  /** Inclusive ranges of the first digits, compared as numbers of the same number of digits. */
  readonly prefixes: readonly (readonly [string, string])[];
  readonly lengths: readonly number[];
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const SCHEMES: readonly Scheme[] = [
  { prefixes: [['4', '4']], lengths: [13, 16, 19] }, // Visa (and CB co-branded)
  { prefixes: [['51', '55'], ['2221', '2720']], lengths: [16] }, // Mastercard
  { prefixes: [['34', '34'], ['37', '37']], lengths: [15] }, // American Express
  { prefixes: [['6011', '6011'], ['644', '649'], ['65', '65']], lengths: range(16, 19) }, // Discover
  { prefixes: [['3528', '3589']], lengths: range(16, 19) }, // JCB
  { prefixes: [['300', '305'], ['36', '36'], ['38', '39']], lengths: range(14, 19) }, // Diners Club
  { prefixes: [['62', '62']], lengths: range(16, 19) }, // UnionPay
  { prefixes: [['50', '50'], ['56', '58'], ['63', '63'], ['67', '67']], lengths: range(12, 19) }, // Maestro
];

export function plausibleCard(digits: string): boolean {
  return SCHEMES.some(
    (scheme) => scheme.lengths.includes(digits.length) && scheme.prefixes.some(([low, high]) => digits.slice(0, low.length) >= low && digits.slice(0, high.length) <= high),
  );
}

/** Compact, groups of four (the last one shorter), or the 4-6-… of Amex and Diners. */
function cardLayout(gaps: readonly number[], length: number): boolean {
  if (gaps.length === 0) return true;
  if (length === 14 || length === 15) return gaps.length === 2 && gaps[0] === 4 && gaps[1] === 10;
  return gaps.every((gap, i) => gap === 4 * (i + 1)) && length - gaps[gaps.length - 1]! <= 4 && gaps.length === Math.ceil(length / 4) - 1;
}

const isCardSeparator = (c: number): boolean => isNumberSpace(c) || c === 45; /* - */

export class CardRecogniser implements PiiRecogniser {
  readonly name = 'card';

  find(input: ScanInput): Candidate[] {
    const { text } = input;
    return fromDigitRuns(input, (start, run) => ((run >= 12 && run <= 19) || (run === 4 && groupFollows(text, start + run, isCardSeparator))) && startsNumber(text, start), (start) => this.longestAt(input, start));
  }

  /** The longest card number starting at `start` (a card can be followed by another group: a CVV, an expiry). */
  private longestAt(input: ScanInput, start: number): Candidate | undefined {
    const { text } = input;
    const read = readGrouped(text, start, 19, isDigit, isCardSeparator);
    for (let length = read.chars.length; length >= 12; length--) {
      const cut = cutGrouped(text, read, length);
      if (!cut || cut.separator === -1 || !cardLayout(cut.gaps, length) || !plausibleCard(cut.chars) || !luhnValid(cut.chars)) continue;
      const context = CARD_WORDS.lastBefore(input, start, 40) !== -1;
      return { type: 'CARD', start, end: cut.end, score: context ? SCORE_IN_CONTEXT : length === 14 ? SCORE_AMBIGUOUS : SCORE };
    }
    return undefined;
  }
}
