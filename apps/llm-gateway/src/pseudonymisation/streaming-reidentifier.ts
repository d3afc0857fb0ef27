// Re-identification of a streamed answer. Each delta is released at once except, at its end, what
// could still become a placeholder: a `<` followed by a prefix of the placeholder grammar. Only the
// last `<` can be such a prefix (a placeholder holds no other `<`), and the grammar is bounded, so what
// is held back is shorter than MAX_PLACEHOLDER_LENGTH: a stray `<` holds the stream for a few
// characters at most. What is released is what Reidentifier gives for the whole answer, cut anywhere.
import { scanPlaceholder } from './placeholder-grammar.js';
import type { Reidentifier } from './reidentifier.js';

export class StreamingReidentifier {
  private held = '';
  private restoredCount = 0;
  private inventedCount = 0;

  constructor(private readonly reidentifier: Reidentifier) {}

  /** The re-identified text that can be released now that `delta` has come. */
  push(delta: string): string {
    const text = this.held + delta;
    const opening = text.lastIndexOf('<');
    const holdFrom = opening !== -1 && scanPlaceholder(text, opening).kind === 'partial' ? opening : text.length;
    this.held = text.slice(holdFrom);
    return this.release(text.slice(0, holdFrom));
  }

  /** The rest, once the answer is complete: a partial placeholder is released as written. */
  end(): string {
    const rest = this.held;
    this.held = '';
    return this.release(rest);
  }

  /** How many characters are held back, waiting for the next delta. */
  get heldBack(): number {
    return this.held.length;
  }

  get restored(): number {
    return this.restoredCount;
  }

  get invented(): number {
    return this.inventedCount;
  }

  private release(text: string): string {
    if (text === '') return '';
    const result = this.reidentifier.reidentify(text);
    this.restoredCount += result.restored;
    this.inventedCount += result.invented;
    return result.text;
  }
}
