// The one error class of pseudonymisation. Each reason is a bug upstream (a finding that does not
// fit its text, a type a placeholder cannot be made of), never bad user input, so the request fails
// closed rather than sending an identifier in clear. Messages name the reason, never the text.

export enum PseudonymisationErrorCode {
  /** A finding's offsets are not integers inside the text, or start at or after their end. */
  FindingOutOfText = 'finding_out_of_text',
  /** A finding's text is not the text at its offsets (offsets in another unit than UTF-16 code units?). */
  FindingTextMismatch = 'finding_text_mismatch',
  /** A finding's type does not fit the placeholder grammar (see placeholder-grammar.ts). */
  UnsupportedType = 'unsupported_type',
  /** One type has more distinct values than a placeholder's counter can number. */
  TooManyValues = 'too_many_values',
}

const MESSAGES: Record<PseudonymisationErrorCode, string> = {
  [PseudonymisationErrorCode.FindingOutOfText]: 'a finding lies outside the text it was found in',
  [PseudonymisationErrorCode.FindingTextMismatch]: 'a finding does not match the text at its offsets',
  [PseudonymisationErrorCode.UnsupportedType]: 'a finding type cannot be made into a placeholder',
  [PseudonymisationErrorCode.TooManyValues]: 'too many distinct values of one type in one request',
};

export class PseudonymisationError extends Error {
  constructor(readonly code: PseudonymisationErrorCode) {
    super(MESSAGES[code]);
    this.name = 'PseudonymisationError';
  }
}
