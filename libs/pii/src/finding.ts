// What a scan reports, and what a recogniser is: the engine's vocabulary.
import type { ScanInput } from './scan-input.js';

/** The kinds of personal data found, as stable strings (placeholders such as `<EMAIL_1>` are made from them). */
export const PII_TYPES = ['EMAIL', 'PHONE', 'IBAN', 'NIR', 'SIREN', 'SIRET', 'CARD', 'IP', 'DATE_OF_BIRTH', 'ADDRESS', 'PERSON'] as const;
export type PiiType = (typeof PII_TYPES)[number];

/** A span of the scanned text: offsets in UTF-16 code units (JS string indexes), end exclusive. */
export interface Finding {
  type: PiiType;
  start: number;
  end: number;
  text: string;
  /** How sure the recogniser is, in [0, 1]: a checksum that holds scores higher than a dictionary hit. */
  score: number;
}

/** What a recogniser proposes; the engine adds the text and settles overlaps. */
export type Candidate = Omit<Finding, 'text'>;

/**
 * One kind of detection. It must run in time linear in the length of the text: untrusted prompts
 * are scanned. A recogniser that throws makes the whole scan fail (see PiiScanner). It reads the text
 * normalised (NormalisedText: no invisible characters, full-width forms and look-alike letters
 * folded) and proposes spans of that text; the engine maps them back to the text as written.
 */
export interface PiiRecogniser {
  readonly name: string;
  find(input: ScanInput): Iterable<Candidate>;
}
