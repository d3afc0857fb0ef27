// SIREN: 9 digits under Luhn, compact or 3-3-3. One random number in ten passes Luhn, so a SIREN
// without a word of the register before it scores lower.
import type { Candidate, PiiRecogniser } from '../finding.js';
import { fromDigitRuns } from '../digit-runs.js';
import type { ScanInput } from '../scan-input.js';
import { endsNumber, groupFollows, isNumberSpace, startsNumber } from '../text-chars.js';
import { companyNumberAt, registerContext, validSiren } from './siren-siret.js';

const SCORE = 0.85;
const SCORE_IN_CONTEXT = 0.95;
const LAYOUTS = [[], [3, 6]];

export class SirenRecogniser implements PiiRecogniser {
  readonly name = 'siren';

  find(input: ScanInput): Candidate[] {
    const { text } = input;
    return fromDigitRuns(
      input,
      (start, run) => (run === 9 || (run === 3 && groupFollows(text, start + run, isNumberSpace))) && startsNumber(text, start),
      (start) => {
        const cut = companyNumberAt(text, start, 9, LAYOUTS);
        // Nine digits that a group of digits continues are part of a longer number (a SIRET's, whose check then failed).
        if (!cut || !endsNumber(text, cut.end) || !validSiren(cut.chars)) return undefined;
        return { type: 'SIREN', start, end: cut.end, score: registerContext(input, start) ? SCORE_IN_CONTEXT : SCORE };
      },
    );
  }
}
