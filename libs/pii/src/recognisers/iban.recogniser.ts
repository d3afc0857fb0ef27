// IBAN, every country of the registry: two capital letters, two check digits, then the BBAN, compact
// or in groups separated by single spaces, exactly as long as its country's IBANs. ibantools checks
// the BBAN's format and national check digits where a country has them, and the mod-97 checksum.
import { countrySpecs, isValidIBAN } from 'ibantools';
import { decimalMod } from '../checksums.js';
import type { Candidate, PiiRecogniser } from '../finding.js';
import { cutGrouped, readGrouped } from '../grouped-number.js';
import type { ScanInput } from '../scan-input.js';
import { codeAt, isAlnum, isDigit, isNumberSpace, isUpperAscii } from '../text-chars.js';

const SCORE = 0.99;

const isIbanChar = (c: number): boolean => isUpperAscii(c) || isDigit(c);

/** ISO 13616's mod 97 (ibantools checks it again, with the BBAN's format and national keys): most candidates that are no IBAN fail here, cheaply. */
function ibanChecksumHolds(iban: string): boolean {
  let numeric = '';
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  for (let i = 0; i < rearranged.length; i++) {
    const c = rearranged.charCodeAt(i);
    numeric += isDigit(c) ? rearranged[i] : String(c - 55);
  }
  return decimalMod(numeric, 97) === 1;
}

export class IbanRecogniser implements PiiRecogniser {
  readonly name = 'iban';

  find({ text, digitRuns }: ScanInput): Candidate[] {
    const candidates: Candidate[] = [];
    // The check digits start a run of digits, right after the country code.
    for (const checkDigits of digitRuns.starts) {
      const start = checkDigits - 2;
      if (start < 0 || !isUpperAscii(text.charCodeAt(start)) || !isUpperAscii(text.charCodeAt(start + 1)) || isAlnum(codeAt(text, start - 1))) continue;
      const length = countrySpecs[text.slice(start, checkDigits)]?.chars;
      if (length === undefined) continue;
      const cut = cutGrouped(text, readGrouped(text, start, length, isIbanChar, isNumberSpace), length);
      if (cut && cut.separator !== -1 && ibanChecksumHolds(cut.chars) && isValidIBAN(cut.chars)) candidates.push({ type: 'IBAN', start, end: cut.end, score: SCORE });
    }
    return candidates;
  }
}
