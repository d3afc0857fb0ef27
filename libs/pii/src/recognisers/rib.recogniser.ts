// A French RIB (relevé d'identité bancaire) written alone, without the IBAN it is the end of: bank
// code (5 digits), branch code (5), account number (11 digits or letters), RIB key (2), compact or
// 5-5-11-2 apart by single spaces; read in capitals, the key must hold (checksums.ts: one random
// number in 97 passes it). Found as an IBAN: it names the same account (a French IBAN is FR, its
// check digits and the RIB), and takes the same placeholder type.
import { ribKeyHolds } from '../checksums.js';
import type { Candidate, PiiRecogniser } from '../finding.js';
import { fromDigitRuns } from '../digit-runs.js';
import { laidOutAt } from '../grouped-number.js';
import type { ScanInput } from '../scan-input.js';
import { codeAt, groupFollows, isAsciiLetter, isDigit, isNumberSpace, startsNumber } from '../text-chars.js';

const SCORE = 0.9;
const LENGTH = 23;
const BANK_AND_BRANCH = 10;
const ACCOUNT_END = 21;
const LAYOUTS = [[], [5, 10, 21]];

const isRibChar = (c: number, index: number): boolean => isDigit(c) || (index >= BANK_AND_BRANCH && index < ACCOUNT_END && isAsciiLetter(c));

export function validRib(rib: string): boolean {
  return rib.length === LENGTH && rib.slice(0, BANK_AND_BRANCH) !== '0000000000' && ribKeyHolds(rib);
}

export class RibRecogniser implements PiiRecogniser {
  readonly name = 'rib';

  find(input: ScanInput): Candidate[] {
    const { text } = input;
    return fromDigitRuns(
      input,
      // The bank code apart, or compact: all digits, or digits up to a letter of the account.
      (start, run) =>
        (run === 5 ? groupFollows(text, start + run, isNumberSpace) : run === LENGTH || (run >= BANK_AND_BRANCH && run < ACCOUNT_END && isAsciiLetter(codeAt(text, start + run)))) &&
        startsNumber(text, start),
      (start) => {
        const cut = laidOutAt(text, start, LENGTH, LAYOUTS, isRibChar, isNumberSpace);
        return cut && validRib(cut.chars.toUpperCase()) ? { type: 'IBAN', start, end: cut.end, score: SCORE } : undefined;
      },
    );
  }
}
