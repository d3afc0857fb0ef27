// NIR (numéro de sécurité sociale): sex, year, month, department (2A and 2B for Corsica), commune,
// order number, then the 2-digit key; compact or grouped as printed on the carte Vitale
// (1 85 05 78 006 084 36), with the key apart or not, or digit by digit (1 8 5 0 5 7 8 0 0 6 0 8 4 9 1:
// as the phone recogniser reads a number digit by digit, only when its characters are the whole run,
// no group of digits after them); groups apart by spaces, dots or hyphens, one kind in a number.
// Without its key (13 characters, and no group after them), nothing checks it: a NIR of a person
// born in France (sex 1 or 2) whose month, department, commune and order are possible, grouped as
// on the carte Vitale, or compact or digit by digit after a word of the NIR ("sécurité sociale",
// "NIR", "assuré") nearer than a word of another number ("commande", "facture"): about one random
// run of thirteen digits in six has that structure.
import { nirKey } from '../checksums.js';
import { ContextWords } from '../context-words.js';
import type { Candidate, PiiRecogniser } from '../finding.js';
import { cutGrouped, laidOut, readGrouped, type GroupedCut } from '../grouped-number.js';
import { fromDigitRuns } from '../digit-runs.js';
import type { ScanInput } from '../scan-input.js';
import { codeAt, endsNumber, groupFollows, isDigit, isNumberSpace, startsNumber } from '../text-chars.js';

const SCORE = 0.99;
const SCORE_WITHOUT_KEY = 0.9;
const LENGTH = 15;
const WITHOUT_KEY = 13;
const LAYOUTS: readonly (readonly number[])[] = [[], [13], [1, 3, 5, 7, 10], [1, 3, 5, 7, 10, 13]];
const PRINTED_WITHOUT_KEY = [1, 3, 5, 7, 10];
/** A separator after every character: 1 8 5 0 5 … */
const digitByDigit = (length: number): readonly number[] => Array.from({ length: length - 1 }, (_, k) => k + 1);
const DIGIT_BY_DIGIT = digitByDigit(LENGTH);
const DIGIT_BY_DIGIT_WITHOUT_KEY = digitByDigit(WITHOUT_KEY);
const LAYOUTS_WITH_KEY = [...LAYOUTS, DIGIT_BY_DIGIT];
// 1, 2: born in France or abroad; 3, 4: temporary numbers of people born abroad; 7, 8: NIA (temporary).
const isSexDigit = (c: number): boolean => (c >= 49 && c <= 52) /* 1-4 */ || c === 55 || c === 56; /* 7, 8 */

const isNirChar = (c: number, index: number): boolean => isDigit(c) || (index === 6 && (c === 65 /* A */ || c === 66)); /* B */
const isNirSeparator = (c: number): boolean => isNumberSpace(c) || c === 46 /* . */ || c === 45; /* - */

const NIR_WORDS = new ContextWords(['nir', 'nss', 'ss', 'sécu', 'secu', 'sécurité', 'securite', 'sociale', 'insee', 'vitale', 'assuré', 'assurée', 'assure', 'assuree', 'ameli', 'cpam']);
const OTHER_NUMBER_WORDS = new ContextWords(['commande', 'facture', 'colis', 'suivi', 'référence', 'réf', 'ref', 'dossier', 'client', 'contrat', 'compte', 'lot', 'ean', 'siren', 'siret', 'tva', 'iban', 'rib', 'rpps', 'adeli', 'finess', 'order', 'invoice', 'reference', 'tracking']);
const CONTEXT_WINDOW = 40;

/** Months 01-12, and the ranges INSEE gives when the month is unknown (20-42, 50-99). */
function plausibleMonth(month: number): boolean {
  return (month >= 1 && month <= 12) || (month >= 20 && month <= 42) || month >= 50;
}

/** Compact (15 digits, 13 without the key, or 6 before "2A"/"2B"), the key apart (13), or grouped from the sex digit (1). */
function shapeOfNir(text: string, start: number, run: number): boolean {
  if (run === LENGTH || run === WITHOUT_KEY) return true;
  if (run === 1) return groupFollows(text, start + run, isNirSeparator);
  const letter = codeAt(text, start + run);
  return run === 6 && (letter === 65 || letter === 66);
}

/** Sex, month and department of the 13 first characters of a NIR as they can be. */
function plausibleNir(nir: string): boolean {
  if (!isSexDigit(nir.charCodeAt(0)) || !plausibleMonth(Number(nir.slice(3, 5)))) return false;
  const department = nir.slice(5, 7);
  return department !== '00' && (isDigit(department.charCodeAt(1)) || department[0] === '2');
}

export function validNir(nir: string): boolean {
  return nir.length === LENGTH && plausibleNir(nir) && nirKey(nir.slice(0, 13)) === Number(nir.slice(13));
}

/** The 13 characters of a NIR without its key: born in France, and a commune and an order number that can be. */
export function plausibleNirWithoutKey(nir: string): boolean {
  return nir.length === WITHOUT_KEY && (nir[0] === '1' || nir[0] === '2') && plausibleNir(nir) && nir.slice(7, 10) !== '000' && nir.slice(10) !== '000';
}

export class NirRecogniser implements PiiRecogniser {
  readonly name = 'nir';

  find(input: ScanInput): Candidate[] {
    const { text } = input;
    return fromDigitRuns(
      input,
      (start, run) => isSexDigit(text.charCodeAt(start)) && shapeOfNir(text, start, run) && startsNumber(text, start),
      (start) => {
        const read = readGrouped(text, start, LENGTH, isNirChar, isNirSeparator);
        const cut = cutGrouped(text, read, LENGTH);
        // Digit by digit, the fifteen characters are the whole run.
        const whole = laidOut(cut, LAYOUTS_WITH_KEY) && (cut.gaps.length !== DIGIT_BY_DIGIT.length || endsNumber(text, cut.end));
        if (whole && validNir(cut.chars)) return { type: 'NIR', start, end: cut.end, score: SCORE };
        return this.withoutKey(input, start, cutGrouped(text, read, WITHOUT_KEY));
      },
    );
  }

  /** Thirteen characters that no group continues (a key that failed would), grouped as printed, or compact or digit by digit in the context of a NIR. */
  private withoutKey(input: ScanInput, start: number, cut: GroupedCut | undefined): Candidate | undefined {
    if (!laidOut(cut, [[], PRINTED_WITHOUT_KEY, DIGIT_BY_DIGIT_WITHOUT_KEY]) || !endsNumber(input.text, cut.end) || !plausibleNirWithoutKey(cut.chars)) return undefined;
    if (cut.gaps.length !== PRINTED_WITHOUT_KEY.length && NIR_WORDS.lastBefore(input, start, CONTEXT_WINDOW) <= OTHER_NUMBER_WORDS.lastBefore(input, start, CONTEXT_WINDOW)) return undefined;
    return { type: 'NIR', start, end: cut.end, score: SCORE_WITHOUT_KEY };
  }
}
