// The loop of the recognisers that start from a run of digits: each run whose length and place the
// recogniser accepts is handed to it, and what it makes of the run is collected.
import type { Candidate } from './finding.js';
import type { ScanInput } from './scan-input.js';

/** `accepts(start, length)` is the cheap test (no read of the text past the run); `at(start, end)` reads the candidate, if any. */
export function fromDigitRuns(input: ScanInput, accepts: (start: number, length: number) => boolean, at: (start: number, end: number) => Candidate | undefined): Candidate[] {
  const { starts, ends } = input.digitRuns;
  const candidates: Candidate[] = [];
  for (let k = 0; k < starts.length; k++) {
    const start = starts[k]!;
    const end = ends[k]!;
    if (!accepts(start, end - start)) continue;
    const candidate = at(start, end);
    if (candidate !== undefined) candidates.push(candidate);
  }
  return candidates;
}
