// The text being scanned, with the tokens several recognisers need (runs of digits, words) computed
// once, on first use, in one pass each.
import { isDigit, isLetter } from './text-chars.js';

/** Token boundaries as parallel arrays of offsets (end exclusive). */
export interface Tokens {
  readonly starts: readonly number[];
  readonly ends: readonly number[];
}

const isWordJoiner = (c: number): boolean => c === 45 /* - */ || c === 39 /* ' */ || c === 0x2019 /* ’ */;

export class ScanInput {
  private digitRunTokens: Tokens | undefined;
  private wordTokens: Tokens | undefined;

  constructor(readonly text: string) {}

  /** Maximal runs of ASCII digits. */
  get digitRuns(): Tokens {
    this.digitRunTokens ??= this.tokens(isDigit, () => false);
    return this.digitRunTokens;
  }

  /** Runs of letters, joined across one hyphen or apostrophe between letters (Jean-Pierre, N'Diaye, l’Église). */
  get words(): Tokens {
    this.wordTokens ??= this.tokens(isLetter, isWordJoiner);
    return this.wordTokens;
  }

  /** Index of the first token starting at or after `offset` (tokens.starts.length when none). */
  static firstFrom(tokens: Tokens, offset: number): number {
    let low = 0;
    let high = tokens.starts.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (tokens.starts[middle]! < offset) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private tokens(member: (c: number) => boolean, joiner: (c: number) => boolean): Tokens {
    const { text } = this;
    const starts: number[] = [];
    const ends: number[] = [];
    let i = 0;
    while (i < text.length) {
      if (!member(text.charCodeAt(i))) {
        i++;
        continue;
      }
      const start = i;
      i++;
      for (;;) {
        if (i < text.length && member(text.charCodeAt(i))) i++;
        else if (i + 1 < text.length && joiner(text.charCodeAt(i)) && member(text.charCodeAt(i + 1))) i += 2;
        else break;
      }
      starts.push(start);
      ends.push(i);
    }
    return { starts, ends };
  }
}
