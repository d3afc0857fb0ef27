// NIR (numéro de sécurité sociale): sex, year, month, department (2A and 2B for Corsica), commune,
// order number, then the 2-digit key; compact or grouped as printed on the carte Vitale
// (1 85 05 78 006 084 36), with the key apart or not; groups apart by spaces, dots or hyphens, one
// kind in a number.
import { nirKey } from '../checksums.js';
import type { Candidate, PiiRecogniser } from '../finding.js';
import { cutGrouped, readGrouped, sameGaps } from '../grouped-number.js';
import { fromDigitRuns } from '../digit-runs.js';
import type { ScanInput } from '../scan-input.js';
import { codeAt, groupFollows, isDigit, isNumberSpace, startsNumber } from '../text-chars.js';

const SCORE = 0.99;
const LENGTH = 15;
const LAYOUTS: readonly (readonly number[])[] = [[], [13], [1, 3, 5, 7, 10], [1, 3, 5, 7, 10, 13]];
// 1, 2: born in France or abroad; 3, 4: temporary numbers of people born abroad; 7, 8: NIA (temporary).
const isSexDigit = (c: number): boolean => (c >= 49 && c <= 52) /* 1-4 */ || c === 55 || c === 56; /* 7, 8 */

const isNirChar = (c: number, index: number): boolean => isDigit(c) || (index === 6 && (c === 65 /* A */ || c === 66)); /* B */
const isNirSeparator = (c: number): boolean => isNumberSpace(c) || c === 46 /* . */ || c === 45; /* - */

/** Months 01-12, and the ranges INSEE gives when the month is unknown (20-42, 50-99). */
function plausibleMonth(month: number): boolean {
  return (month >= 1 && month <= 12) || (month >= 20 && month <= 42) || month >= 50;
}

/** Compact (15 digits, or 6 before "2A"/"2B"), the key apart (13), or grouped from the sex digit (1). */
function shapeOfNir(text: string, start: number, run: number): boolean {
  if (run === 15) return true;
  if (run === 13 || run === 1) return groupFollows(text, start + run, isNirSeparator);
  const letter = codeAt(text, start + run);
  return run === 6 && (letter === 65 || letter === 66);
}

export function validNir(nir: string): boolean {
  if (nir.length !== LENGTH || !isSexDigit(nir.charCodeAt(0)) || !plausibleMonth(Number(nir.slice(3, 5)))) return false;
  const department = nir.slice(5, 7);
  if (department === '00' || (!isDigit(department.charCodeAt(1)) && department[0] !== '2')) return false;
  return nirKey(nir.slice(0, 13)) === Number(nir.slice(13));
}

export class NirRecogniser implements PiiRecogniser {
  readonly name = 'nir';

  find(input: ScanInput): Candidate[] {
    const { text } = input;
    return fromDigitRuns(
      input,
      (start, run) => isSexDigit(text.charCodeAt(start)) && shapeOfNir(text, start, run) && startsNumber(text, start),
      (start) => {
        const cut = cutGrouped(text, readGrouped(text, start, LENGTH, isNirChar, isNirSeparator), LENGTH);
        const valid = cut && cut.separator !== -1 && LAYOUTS.some((layout) => sameGaps(cut.gaps, layout)) && validNir(cut.chars);
        return valid ? { type: 'NIR', start, end: cut.end, score: SCORE } : undefined;
      },
    );
  }
}
