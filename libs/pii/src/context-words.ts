// Words that make a weak candidate likely ("né le" before a date, "SIREN" before nine digits). Only a
// bounded window before the candidate is read, so the check costs the same whatever the text.
import { codeAt, isLetter } from './text-chars.js';

/**
 * The end (an offset in `text`) of the last keyword among the `window` characters before `start`,
 * or -1. Keywords are lower case; they match whole words (or word sequences), case-insensitively.
 */
export function keywordBefore(text: string, start: number, window: number, keywords: readonly string[]): number {
  const from = Math.max(0, start - window);
  const slice = text.slice(from, start).toLowerCase();
  let found = -1;
  for (const keyword of keywords) {
    for (let at = slice.lastIndexOf(keyword); at !== -1; at = at === 0 ? -1 : slice.lastIndexOf(keyword, at - 1)) {
      if (isLetter(codeAt(slice, at - 1)) || isLetter(codeAt(slice, at + keyword.length))) continue;
      found = Math.max(found, from + at + keyword.length);
      break;
    }
  }
  return found;
}
