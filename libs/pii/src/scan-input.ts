// The text being scanned (normalised: normalised-text.ts), with the tokens several recognisers need
// (runs of digits, words) computed once, on first use, in one pass each.
import { HASH_SEED, hashEnd, hashStep, isLetter } from './text-chars.js';

/** Token boundaries as parallel arrays of offsets (end exclusive). */
export interface Tokens {
  readonly starts: readonly number[];
  readonly ends: readonly number[];
}

/** Words also carry the foldedHash of their text (text-chars.ts), computed in the same pass. */
export interface WordTokens extends Tokens {
  readonly hashes: readonly number[];
}

const isWordJoiner = (c: number): boolean => c === 45 /* - */ || c === 39 /* ' */ || c === 0x2019 /* ’ */;

export class ScanInput {
  private digitRunTokens: Tokens | undefined;
  private wordTokens: WordTokens | undefined;

  constructor(readonly text: string) {}

  /** Maximal runs of ASCII digits. */
  get digitRuns(): Tokens {
    if (this.digitRunTokens === undefined) this.tokenise();
    return this.digitRunTokens!;
  }

  /** Runs of letters, joined across one hyphen or apostrophe between letters (Jean-Pierre, N'Diaye, l’Église). */
  get words(): WordTokens {
    if (this.wordTokens === undefined) this.tokenise();
    return this.wordTokens!;
  }

  /** Both kinds of tokens in one pass over the text (every default recogniser needs one or the other). */
  private tokenise(): void {
    const { text } = this;
    const digitRuns = { starts: [] as number[], ends: [] as number[] };
    const words = { starts: [] as number[], ends: [] as number[], hashes: [] as number[] };
    const length = text.length;
    let i = 0;
    while (i < length) {
      const c = text.charCodeAt(i);
      if (c >= 48 && c <= 57) {
        digitRuns.starts.push(i);
        let d = c;
        while (d >= 48 && d <= 57) d = text.charCodeAt(++i);
        digitRuns.ends.push(i);
      } else if (letterAt(text, i)) i = readWord(text, i, words);
      else i++;
    }
    this.digitRunTokens = digitRuns;
    this.wordTokens = words;
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

/** Reads the word starting at `i`, records it, and returns where it ends. */
function readWord(text: string, i: number, words: { starts: number[]; ends: number[]; hashes: number[] }): number {
  const length = text.length;
  words.starts.push(i);
  let hash = HASH_SEED;
  for (;;) {
    if (i < length && letterAt(text, i)) hash = hashStep(hash, text.charCodeAt(i++));
    else if (i + 1 < length && isWordJoiner(text.charCodeAt(i)) && letterAt(text, i + 1)) {
      hash = hashStep(hashStep(hash, text.charCodeAt(i)), text.charCodeAt(i + 1));
      i += 2;
    } else break;
  }
  words.ends.push(i);
  words.hashes.push(hashEnd(hash));
  return i;
}

/** isLetter, with ASCII (most of the text) decided by one comparison. */
function letterAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  const lower = c | 32;
  if (lower >= 97 && lower <= 122) return true;
  return c >= 0xc0 && isLetter(c);
}
