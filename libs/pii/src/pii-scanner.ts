// The engine: every recogniser over the text as a reader sees it (normalised-text.ts: invisible
// characters, full-width forms and look-alike letters folded), then overlapping candidates settled
// deterministically (highest score, then longest, then first, then by type name), then each span
// mapped back to the characters of the text as written that it was read from. Recognisers are given
// by the constructor; one that throws, or proposes a span outside the text, fails the scan: a caller
// that must not let personal data through (the gateway) then refuses the request instead of sending
// it on half-scanned.
import { PII_TYPES, type Candidate, type Finding, type PiiRecogniser } from './finding.js';
import { NormalisedText } from './normalised-text.js';
import { ScanInput } from './scan-input.js';
import { AddressRecogniser } from './recognisers/address.recogniser.js';
import { CardRecogniser } from './recognisers/card.recogniser.js';
import { DateOfBirthRecogniser } from './recognisers/date-of-birth.recogniser.js';
import { EmailRecogniser } from './recognisers/email.recogniser.js';
import { IbanRecogniser } from './recognisers/iban.recogniser.js';
import { IpRecogniser } from './recognisers/ip.recogniser.js';
import { NirRecogniser } from './recognisers/nir.recogniser.js';
import { PersonRecogniser } from './recognisers/person.recogniser.js';
import { PhoneRecogniser } from './recognisers/phone.recogniser.js';
import { RibRecogniser } from './recognisers/rib.recogniser.js';
import { SirenRecogniser } from './recognisers/siren.recogniser.js';
import { SiretRecogniser } from './recognisers/siret.recogniser.js';

export const PII_SCAN_ERROR_CODES = ['recogniser_failed', 'invalid_candidate'] as const;
export type PiiScanErrorCode = (typeof PII_SCAN_ERROR_CODES)[number];

/** The scan could not be completed. The message names the recogniser, never the text. */
export class PiiScanError extends Error {
  constructor(
    readonly code: PiiScanErrorCode,
    readonly recogniser: string,
    options?: { cause?: unknown },
  ) {
    super(code === 'recogniser_failed' ? `PII recogniser ${recogniser} failed` : `PII recogniser ${recogniser} proposed an invalid span`, options);
    this.name = 'PiiScanError';
  }
}

export function defaultRecognisers(): PiiRecogniser[] {
  return [
    new EmailRecogniser(),
    new PhoneRecogniser(),
    new IbanRecogniser(),
    new RibRecogniser(),
    new NirRecogniser(),
    new SirenRecogniser(),
    new SiretRecogniser(),
    new CardRecogniser(),
    new IpRecogniser(),
    new DateOfBirthRecogniser(),
    new AddressRecogniser(),
    new PersonRecogniser(),
  ];
}

const KNOWN_TYPES: ReadonlySet<string> = new Set(PII_TYPES);

function checked(candidate: Candidate, length: number, recogniser: string): Candidate {
  const { type, start, end, score } = candidate;
  const valid = KNOWN_TYPES.has(type) && Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start < end && end <= length && score >= 0 && score <= 1;
  if (!valid) throw new PiiScanError('invalid_candidate', recogniser);
  return candidate;
}

/** Which of two overlapping candidates is kept: the higher score, then the longer, then the first, then by type. */
function precedence(a: Candidate, b: Candidate): number {
  return b.score - a.score || b.end - b.start - (a.end - a.start) || a.start - b.start || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0);
}

/**
 * Candidates sorted by start fall into clusters of overlapping spans; within a cluster they are
 * taken in order of precedence, each kept unless it overlaps one kept before. The marks cover only
 * the cluster, so the work is linear in the total length of the candidates.
 */
function settle(candidates: Candidate[]): Candidate[] {
  candidates.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Candidate[] = [];
  for (let i = 0; i < candidates.length; ) {
    let clusterEnd = candidates[i]!.end;
    let j = i + 1;
    while (j < candidates.length && candidates[j]!.start < clusterEnd) clusterEnd = Math.max(clusterEnd, candidates[j++]!.end);
    if (j === i + 1) kept.push(candidates[i]!);
    else {
      const cluster = candidates.slice(i, j).sort(precedence);
      const offset = cluster.reduce((min, candidate) => Math.min(min, candidate.start), Infinity);
      const taken = new Uint8Array(clusterEnd - offset);
      const chosen = cluster.filter((candidate) => {
        for (let p = candidate.start; p < candidate.end; p++) if (taken[p - offset] === 1) return false;
        taken.fill(1, candidate.start - offset, candidate.end - offset);
        return true;
      });
      kept.push(...chosen.sort((a, b) => a.start - b.start));
    }
    i = j;
  }
  return kept;
}

/**
 * Settled candidates, as spans of the text as written. Two of them can only meet there inside one
 * character that folded into several ("ﬁ" is read "fi"): the first keeps it, so that they stay apart.
 */
function asWritten(kept: Candidate[], normalised: NormalisedText): Candidate[] {
  if (normalised.unchanged) return kept;
  const mapped: Candidate[] = [];
  let previousEnd = 0;
  for (const candidate of kept) {
    const span = normalised.originalSpan(candidate.start, candidate.end);
    const start = Math.max(span.start, previousEnd);
    if (start >= span.end) continue;
    mapped.push({ ...candidate, start, end: span.end });
    previousEnd = span.end;
  }
  return mapped;
}

export class PiiScanner {
  private readonly recognisers: readonly PiiRecogniser[];

  constructor(recognisers: readonly PiiRecogniser[] = defaultRecognisers()) {
    this.recognisers = [...recognisers];
  }

  scan(text: string): Finding[] {
    const normalised = NormalisedText.of(text);
    const input = new ScanInput(normalised.text);
    const candidates: Candidate[] = [];
    for (const recogniser of this.recognisers) {
      try {
        for (const candidate of recogniser.find(input)) candidates.push(checked(candidate, input.text.length, recogniser.name));
      } catch (error) {
        if (error instanceof PiiScanError) throw error;
        throw new PiiScanError('recogniser_failed', recogniser.name, { cause: error });
      }
    }
    return asWritten(settle(candidates), normalised).map(({ type, start, end, score }) => ({ type, start, end, text: text.slice(start, end), score }));
  }
}

let defaultScanner: PiiScanner | undefined;

/** Scans with the default recognisers. */
export function scan(text: string): Finding[] {
  defaultScanner ??= new PiiScanner();
  return defaultScanner.scan(text);
}
