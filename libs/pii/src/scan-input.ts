// The text being scanned (normalised: normalised-text.ts), with the tokens several recognisers need
// (runs of digits, words) computed once, on first use, in one pass each.
import { HASH_SEED, hashEnd, hashStep, isDigit, isLetter } from './text-chars.js';

/** Token boundaries as parallel arrays of offsets (end exclusive). */
export interface Tokens {
  readonly starts: readonly number[];
  readonly ends: readonly number[];
}

/** Words also carry the foldedHash of their text (text-chars.ts), computed in the same pass. */
export interface WordTokens extends Tokens {
  readonly hashes: readonly number[];
}

/** What each UTF-16 code unit is to the tokeniser, looked up in a table: one read per character instead of a chain of comparisons. */
const OTHER = 0;
const DIGIT = 1;
const LETTER = 2;
/** Joins two runs of letters into one word when it stands between them: hyphen, apostrophe, right single quotation mark (Jean-Pierre, N'Diaye, l’Église). */
const JOINER = 3;
const KINDS = new Uint8Array(0x10000);
for (let c = 0; c < KINDS.length; c++) KINDS[c] = isDigit(c) ? DIGIT : isLetter(c) ? LETTER : c === 45 || c === 39 || c === 0x2019 ? JOINER : OTHER;

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
      const kind = KINDS[text.charCodeAt(i)]!;
      if (kind === DIGIT) {
        digitRuns.starts.push(i);
        do i++;
        while (i < length && KINDS[text.charCodeAt(i)] === DIGIT);
        digitRuns.ends.push(i);
      } else if (kind === LETTER) i = readWord(text, i, words);
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

/** Reads the word starting at `i` (a letter), records it, and returns where it ends. */
function readWord(text: string, i: number, words: { starts: number[]; ends: number[]; hashes: number[] }): number {
  const length = text.length;
  words.starts.push(i);
  let hash = HASH_SEED;
  while (i < length) {
    const c = text.charCodeAt(i);
    const kind = KINDS[c]!;
    if (kind === LETTER) {
      hash = hashStep(hash, c);
      i++;
    } else if (kind === JOINER && i + 1 < length && KINDS[text.charCodeAt(i + 1)] === LETTER) {
      hash = hashStep(hashStep(hash, c), text.charCodeAt(i + 1));
      i += 2;
    } else break;
  }
  words.ends.push(i);
  words.hashes.push(hashEnd(hash));
  return i;
}
