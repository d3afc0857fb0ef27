// The text being scanned, with the tokens several recognisers need (runs of digits, words) computed
// once, on first use, in one pass each.
import { isLetter } from './text-chars.js';

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
    this.digitRunTokens ??= digitRunsOf(this.text);
    return this.digitRunTokens;
  }

  /** Runs of letters, joined across one hyphen or apostrophe between letters (Jean-Pierre, N'Diaye, l’Église). */
  get words(): Tokens {
    this.wordTokens ??= wordsOf(this.text);
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
}

// Two loops written out rather than one taking predicates: the scan's hottest code.
function digitRunsOf(text: string): Tokens {
  const starts: number[] = [];
  const ends: number[] = [];
  const length = text.length;
  let i = 0;
  while (i < length) {
    let c = text.charCodeAt(i);
    if (c < 48 || c > 57) {
      i++;
      continue;
    }
    starts.push(i);
    do c = text.charCodeAt(++i);
    while (c >= 48 && c <= 57);
    ends.push(i);
  }
  return { starts, ends };
}

function wordsOf(text: string): Tokens {
  const starts: number[] = [];
  const ends: number[] = [];
  const length = text.length;
  let i = 0;
  while (i < length) {
    if (!isLetter(text.charCodeAt(i))) {
      i++;
      continue;
    }
    starts.push(i);
    i++;
    for (;;) {
      if (i < length && isLetter(text.charCodeAt(i))) i++;
      else if (i + 1 < length && isWordJoiner(text.charCodeAt(i)) && isLetter(text.charCodeAt(i + 1))) i += 2;
      else break;
    }
    ends.push(i);
  }
  return { starts, ends };
}
