// SIRET: SIREN + NIC, 14 digits under Luhn (La Poste's by their sum of digits), compact, 3-3-3-5 or 9-5.
import type { Candidate, PiiRecogniser } from '../finding.js';
import { fromDigitRuns } from '../digit-runs.js';
import type { ScanInput } from '../scan-input.js';
import { groupFollows, isNumberSpace, startsNumber } from '../text-chars.js';
import { companyNumberAt, registerContext, validSiret } from './siren-siret.js';

const SCORE = 0.95;
const SCORE_IN_CONTEXT = 0.97;
const LAYOUTS = [[], [3, 6, 9], [9]];

export class SiretRecogniser implements PiiRecogniser {
  readonly name = 'siret';

  find(input: ScanInput): Candidate[] {
    const { text } = input;
    return fromDigitRuns(
      input,
      (start, run) => (run === 14 || ((run === 3 || run === 9) && groupFollows(text, start + run, isNumberSpace))) && startsNumber(text, start),
      (start) => {
        const cut = companyNumberAt(text, start, 14, LAYOUTS);
        return cut && validSiret(cut.chars) ? { type: 'SIRET', start, end: cut.end, score: registerContext(input, start) ? SCORE_IN_CONTEXT : SCORE } : undefined;
      },
    );
  }
}
