// Printed identifiers are digits (and a few letters) in groups: "06 12 34 56 78", "FR76 3000 6000...",
// "732 829 320 00074". A read takes at most a fixed number of significant characters from a start,
// with one separator at most between two of them (or, where the caller allows it, one between two
// blanks: "FR76 / 3000", and one line break in the whole read: "FR76 3000 6000\n0112…"), so that each
// read is bounded whatever the text.
import { isAlnum, codeAt, isNumberSpace, wrapAt } from './text-chars.js';

export interface GroupedRead {
  /** The significant characters, separators left out. */
  readonly chars: string;
  /** Offset just after each significant character. */
  readonly ends: readonly number[];
  /** The separator after each significant character within the read (0: none; for one between blanks, the one between them; a line break: 10). */
  readonly separatorAfter: readonly number[];
}

const LINE_BREAK = 10;

/** A candidate cut from a read: its first `length` characters. */
export interface GroupedCut {
  readonly end: number;
  readonly chars: string;
  /** How many significant characters come before each separator: [3, 6] for "123 456 789". */
  readonly gaps: readonly number[];
  /** The separator used (0: none; -1: several kinds). */
  readonly separator: number;
}

/** A blank, one of `spaced`, a blank, then a significant character, at `i` (kept apart: readGrouped stays small enough to be inlined where it is called). */
function betweenBlanks(text: string, i: number, spaced: (c: number) => boolean, significant: (c: number, index: number) => boolean, index: number): boolean {
  return isNumberSpace(text.charCodeAt(i)) && spaced(codeAt(text, i + 1)) && isNumberSpace(codeAt(text, i + 2)) && significant(codeAt(text, i + 3), index);
}

/**
 * `spaced`: the separators that may also stand between two blanks, one on each side ("FR76 / 3000");
 * `wraps`: one line break (text-chars.ts's wrapAt) may stand between two groups.
 */
export function readGrouped(
  text: string,
  start: number,
  max: number,
  significant: (c: number, index: number) => boolean,
  separator: (c: number) => boolean,
  spaced?: (c: number) => boolean,
  wraps = false,
): GroupedRead {
  let chars = '';
  const ends: number[] = [];
  const separatorAfter: number[] = [];
  let wrapped = !wraps;
  let i = start;
  while (chars.length < max && i < text.length) {
    const c = text.charCodeAt(i);
    if (significant(c, chars.length)) {
      chars += text[i];
      ends.push(i + 1);
      separatorAfter.push(0);
      i++;
    } else if (chars.length > 0 && separator(c) && i + 1 < text.length && significant(text.charCodeAt(i + 1), chars.length)) {
      separatorAfter[separatorAfter.length - 1] = c;
      i++;
    } else if (spaced !== undefined && chars.length > 0 && betweenBlanks(text, i, spaced, significant, chars.length)) {
      separatorAfter[separatorAfter.length - 1] = text.charCodeAt(i + 1);
      i += 3;
    } else {
      const wrap = wrapped || chars.length === 0 ? 0 : wrapAt(text, i);
      if (wrap === 0 || !significant(codeAt(text, i + wrap), chars.length)) break;
      separatorAfter[separatorAfter.length - 1] = LINE_BREAK;
      wrapped = true;
      i += wrap;
    }
  }
  return { chars, ends, separatorAfter };
}

/**
 * The first `length` characters of a read, if they end the token: followed by nothing alphanumeric,
 * or by a separator (the next group then belongs to something else).
 */
export function cutGrouped(text: string, read: GroupedRead, length: number): GroupedCut | undefined {
  if (length <= 0 || length > read.chars.length) return undefined;
  const end = read.ends[length - 1]!;
  if (length === read.chars.length ? isAlnum(codeAt(text, end)) : read.separatorAfter[length - 1] === 0) return undefined;
  const gaps: number[] = [];
  let separator = 0;
  for (let k = 0; k < length - 1; k++) {
    const c = read.separatorAfter[k]!;
    if (c === 0) continue;
    gaps.push(k + 1);
    separator = separator === 0 || separator === c ? c : -1;
  }
  return { end, chars: read.chars.slice(0, length), gaps, separator };
}

export function sameGaps(gaps: readonly number[], layout: readonly number[]): boolean {
  return gaps.length === layout.length && gaps.every((gap, i) => gap === layout[i]);
}

/** The cut is grouped as one of `layouts` (places of its separators), with one kind of separator. */
export const laidOut = (cut: GroupedCut | undefined, layouts: readonly (readonly number[])[]): cut is GroupedCut =>
  cut !== undefined && cut.separator !== -1 && layouts.some((layout) => sameGaps(cut.gaps, layout));

/** A cut of `length` characters at `start`, grouped as one of `layouts` with one kind of separator. */
export function laidOutAt(
  text: string,
  start: number,
  length: number,
  layouts: readonly (readonly number[])[],
  significant: (c: number, index: number) => boolean,
  separator: (c: number) => boolean,
): GroupedCut | undefined {
  const cut = cutGrouped(text, readGrouped(text, start, length, significant, separator), length);
  return laidOut(cut, layouts) ? cut : undefined;
}
