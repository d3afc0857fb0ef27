// Replaces the identifiers found in one text by the placeholders of the request's map.
//
// A user may type something that reads as a placeholder (`<EMAIL_1>` in a template, or on purpose to
// make the answer re-identify to someone else's address). Were it left as written it would collide
// with the map's own `<EMAIL_1>`: the model could not tell them apart, and re-identification would
// turn the user's literal text into the identifier of another message. So every placeholder-like token
// of the text outside the findings is itself a value of the map, of type LITERAL: `<EMAIL_1>` typed by
// the user becomes `<LITERAL_1>` in the prompt and is given back as `<EMAIL_1>`. After this, every
// placeholder-like token of a pseudonymised text was issued by the map, whatever the user typed, and
// the map is consistent across the messages of the request with no need to see them all in advance.
// Chosen over a per-request nonce in the delimiters (`<EMAIL_1_k3f9>`): a nonce only makes a
// collision unlikely, where this makes it impossible, and keeps placeholders short and regular, which
// small local models copy more faithfully.
import { scanPlaceholder } from './placeholder-grammar.js';
import type { Finding } from './pii-finding.js';
import type { PlaceholderMap } from './placeholder-map.js';
import { PseudonymisationError, PseudonymisationErrorCode } from './pseudonymisation.errors.js';
import { selectSpans } from './span-selection.js';

/** The type of the user's own placeholder-like tokens in the map. */
export const LITERAL_TYPE = 'LITERAL';

export interface Pseudonymised {
  readonly text: string;
  /** How many spans of each finding type were replaced. */
  readonly counts: Readonly<Record<string, number>>;
  /** How many placeholder-like tokens typed in the text were neutralised. */
  readonly neutralised: number;
}

function checkFinding(text: string, finding: Finding): void {
  const { start, end } = finding;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end <= start || end > text.length) {
    throw new PseudonymisationError(PseudonymisationErrorCode.FindingOutOfText);
  }
  if (text.slice(start, end) !== finding.text) throw new PseudonymisationError(PseudonymisationErrorCode.FindingTextMismatch);
}

export class Pseudonymiser {
  constructor(private readonly placeholders: PlaceholderMap) {}

  pseudonymise(text: string, findings: readonly Finding[]): Pseudonymised {
    for (const finding of findings) checkFinding(text, finding);
    const literals = new LiteralCopy(text, this.placeholders);
    const counts: Record<string, number> = {};
    for (const finding of selectSpans(findings)) {
      literals.copyUpTo(finding.start);
      literals.insert(this.placeholders.placeholderFor(finding.type, finding.text), finding.end);
      counts[finding.type] = (counts[finding.type] ?? 0) + 1;
    }
    literals.copyUpTo(text.length);
    return { text: literals.result(), counts, neutralised: literals.neutralised };
  }
}

/**
 * Builds the pseudonymised text left to right: the literal stretches between findings are copied with
 * their placeholder-like tokens neutralised. A token cannot straddle a finding (a placeholder holds no
 * `<` but its first character), so each stretch is read alone; the next `<` is searched for once for
 * the whole text, not once a stretch, so that many findings do not make the copy quadratic.
 */
class LiteralCopy {
  private readonly parts: string[] = [];
  private position = 0;
  private nextOpening: number;
  neutralised = 0;

  constructor(
    private readonly text: string,
    private readonly placeholders: PlaceholderMap,
  ) {
    this.nextOpening = text.indexOf('<');
  }

  copyUpTo(end: number): void {
    let copied = this.position;
    while (this.nextOpening !== -1 && this.nextOpening < end) {
      const at = this.nextOpening;
      const scan = at >= this.position ? scanPlaceholder(this.text, at, end) : undefined;
      const next = scan?.kind === 'placeholder' ? scan.end : at + 1;
      if (scan?.kind === 'placeholder') {
        this.parts.push(this.text.slice(copied, at), this.placeholders.placeholderFor(LITERAL_TYPE, this.text.slice(at, scan.end)));
        copied = scan.end;
        this.neutralised++;
      }
      this.nextOpening = this.text.indexOf('<', next);
    }
    this.parts.push(this.text.slice(copied, end));
    this.position = end;
  }

  /** Puts a placeholder in the place of text[position, end). */
  insert(placeholder: string, end: number): void {
    this.parts.push(placeholder);
    this.position = end;
  }

  result(): string {
    return this.parts.join('');
  }
}
