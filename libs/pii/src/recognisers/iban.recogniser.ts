// IBAN, every country of the registry: two letters, two check digits, then the BBAN, compact or in
// groups separated by single spaces, dashes, slashes, dots or vertical bars, or by one of those
// between two blanks ("FR76 / 3000 / …"), mixed as people type them (the length and the checksum
// decide, not the separators), once by a line break (text wrapped: "FR76 3000 6000\n0112 …"),
// exactly as long as its country's IBANs; then, read in capitals whatever the case it was written
// in, the BBAN's format and national check digits where a country has them (ibantools' data), and
// the mod-97 checksum. A French RIB written alone is rib.recogniser.ts's.
import { countrySpecs } from 'ibantools';
import type { Candidate, PiiRecogniser } from '../finding.js';
import { cutGrouped, readGrouped } from '../grouped-number.js';
import type { ScanInput } from '../scan-input.js';
import { codeAt, isAlnum, isAsciiLetter, isDigit, isNumberSpace } from '../text-chars.js';

const SCORE = 0.99;

const isIbanChar = (c: number): boolean => isAsciiLetter(c) || isDigit(c);
/** Between two groups: one of these alone, or (but a space) between two blanks. */
const isIbanMark = (c: number): boolean => c === 45 /* - */ || c === 47 /* / */ || c === 46 /* . */ || c === 124; /* | */
const isIbanSeparator = (c: number): boolean => isNumberSpace(c) || isIbanMark(c);

/**
 * ISO 13616's mod 97 over the IBAN moved round (country and check digits last, letters as the
 * numbers 10 to 35), digit by digit in place: its format is checked already, so it holds capital
 * letters and digits only.
 */
function ibanChecksumHolds(iban: string): boolean {
  let remainder = 0;
  for (let k = 0; k < iban.length; k++) {
    const c = iban.charCodeAt((k + 4) % iban.length);
    remainder = isDigit(c) ? (remainder * 10 + c - 48) % 97 : (remainder * 100 + c - 55) % 97;
  }
  return remainder === 1;
}

const bbanFormats = new Map<string, RegExp>();

/** The two capitals of a country code as one number, as `countryKey` reads them from the text. */
const codeKey = (first: number, second: number): number => (first << 8) | second;
/** Each country's IBAN length by its code: two letters before digits are looked up without being copied out. */
const IBAN_LENGTHS: ReadonlyMap<number, number> = new Map(
  Object.entries(countrySpecs).flatMap(([code, spec]) => (code.length === 2 && typeof spec.chars === 'number' ? [[codeKey(code.charCodeAt(0), code.charCodeAt(1)), spec.chars] as const] : [])),
);
/** The key of the two ASCII letters at `start`, in capitals whatever their case. */
const countryKey = (text: string, start: number): number => codeKey(text.charCodeAt(start) & ~32, text.charCodeAt(start + 1) & ~32);

/**
 * What ibantools' isValidIBAN decides (a property test compares them), with each country's BBAN
 * format compiled once: ibantools builds the regular expression again on every call, which was most
 * of the cost of this recogniser. Its country data and national check functions are used as they are.
 */
export function validIban(iban: string): boolean {
  const country = iban.slice(0, 2);
  const spec = countrySpecs[country];
  const check = Number(iban.slice(2, 4));
  if (spec?.bban_regexp === undefined || spec.chars !== iban.length || !isDigit(iban.charCodeAt(2)) || !isDigit(iban.charCodeAt(3)) || check < 2 || check > 98) return false;
  let format = bbanFormats.get(country);
  if (format === undefined) bbanFormats.set(country, (format = new RegExp(spec.bban_regexp)));
  const bban = iban.slice(4);
  return format.test(bban) && (spec.bban_validation_func?.(bban) ?? true) && ibanChecksumHolds(iban);
}

export class IbanRecogniser implements PiiRecogniser {
  readonly name = 'iban';

  find({ text, digitRuns }: ScanInput): Candidate[] {
    const candidates: Candidate[] = [];
    // The check digits start a run of digits, right after the country code.
    for (const checkDigits of digitRuns.starts) {
      const start = checkDigits - 2;
      if (start < 0 || !isAsciiLetter(text.charCodeAt(start)) || !isAsciiLetter(text.charCodeAt(start + 1)) || isAlnum(codeAt(text, start - 1))) continue;
      const length = IBAN_LENGTHS.get(countryKey(text, start));
      if (length === undefined) continue;
      const cut = cutGrouped(text, readGrouped(text, start, length, isIbanChar, isIbanSeparator, isIbanMark, true), length);
      if (cut && validIban(cut.chars.toUpperCase())) candidates.push({ type: 'IBAN', start, end: cut.end, score: SCORE });
    }
    return candidates;
  }
}
