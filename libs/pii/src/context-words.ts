// Words that make a weak candidate likely ("né le" before a date, "SIREN" before nine digits),
// looked up among the words of a bounded window before the candidate by their folded hash (computed
// when the text was tokenised): the check costs the same whatever the text, and copies nothing
// unless a hash matches.
import { ScanInput, type WordTokens } from './scan-input.js';
import { foldedHashes, type FoldedHashes } from './text-chars.js';

export class ContextWords {
  private readonly words: ReadonlySet<string>;
  private readonly hashes: FoldedHashes;

  /** Single words, lower case ("naissance", "siret"); a word written "d'immatriculation" counts as "immatriculation". */
  constructor(words: readonly string[]) {
    this.words = new Set(words);
    this.hashes = foldedHashes(words);
  }

  /** The end (an offset in the text) of the last of these words that starts among the `window` characters before `start`, or -1. */
  lastBefore(input: ScanInput, start: number, window: number): number {
    const { text, words } = input;
    for (let k = ScanInput.firstFrom(words, start) - 1; k >= 0 && words.starts[k]! >= start - window; k--) if (this.isWordAt(text, words, k)) return words.ends[k]!;
    return -1;
  }

  /** Where each of these words starts in the text, in order: what lastBefore can find, wherever it is asked. */
  startsIn(input: ScanInput): number[] {
    const { text, words } = input;
    const starts: number[] = [];
    for (let k = 0; k < words.starts.length; k++) if (this.isWordAt(text, words, k)) starts.push(words.starts[k]!);
    return starts;
  }

  private isWordAt(text: string, words: WordTokens, k: number): boolean {
    const wordStart = words.starts[k]!;
    const wordEnd = words.ends[k]!;
    return this.hashes.has(words.hashes[k]!) ? this.words.has(text.slice(wordStart, wordEnd).toLowerCase()) : this.elided(text, wordStart, wordEnd);
  }

  /** "d'immatriculation", "l’entreprise": the word after an elided article. */
  private elided(text: string, start: number, end: number): boolean {
    const apostrophe = text.charCodeAt(start + 1);
    return end - start > 2 && (apostrophe === 39 || apostrophe === 0x2019) && this.words.has(text.slice(start + 2, end).toLowerCase());
  }
}
