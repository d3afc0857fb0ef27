// How an identifier is disguised so that a scanner reading it as written misses it while a person (or
// a model) still reads it: invisible characters between its characters, full-width forms, Cyrillic and
// Greek look-alikes of its letters, its letters' case changed. The tables are this file's own, written
// from Unicode's charts, not the engine's.
import fc from 'fast-check';

/** Zero-width space, non-joiner, joiner, word joiner, byte order mark, soft hyphen. */
export const INVISIBLES = ['\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD'] as const;

/** Latin letters and the Cyrillic (first) or Greek letters drawn like them. */
export const HOMOGLYPHS: Readonly<Record<string, readonly string[]>> = {
  a: ['\u0430', '\u03B1'],
  c: ['\u0441'],
  e: ['\u0435'],
  i: ['\u0456', '\u03B9'],
  j: ['\u0458'],
  o: ['\u043E', '\u03BF'],
  p: ['\u0440', '\u03C1'],
  s: ['\u0455'],
  x: ['\u0445', '\u03C7'],
  y: ['\u0443'],
  A: ['\u0410', '\u0391'],
  B: ['\u0412', '\u0392'],
  C: ['\u0421'],
  E: ['\u0415', '\u0395'],
  H: ['\u041D', '\u0397'],
  I: ['\u0406', '\u0399'],
  K: ['\u041A', '\u039A'],
  M: ['\u041C', '\u039C'],
  N: ['\u039D'],
  O: ['\u041E', '\u039F'],
  P: ['\u0420', '\u03A1'],
  T: ['\u0422', '\u03A4'],
  X: ['\u0425', '\u03A7'],
  Z: ['\u0396'],
};

/** The full-width form of a printable ASCII character (U+FF01 to U+FF5E), the ideographic space for a space. */
export const fullWidth = (char: string): string => (char === ' ' ? '\u3000' : String.fromCharCode(char.charCodeAt(0) + 0xfee0));

export type Disguise = 'as written' | 'full width' | 'homoglyph' | 'other case';

const otherCase = (char: string): string => (char === char.toLowerCase() ? char.toUpperCase() : char.toLowerCase());

function disguise(char: string, how: Disguise, pick: number): string {
  switch (how) {
    case 'as written':
      return char;
    case 'full width':
      return char >= ' ' && char <= '~' ? fullWidth(char) : char;
    case 'homoglyph': {
      const glyphs = HOMOGLYPHS[char];
      return glyphs === undefined ? char : glyphs[pick % glyphs.length]!;
    }
    case 'other case':
      return otherCase(char);
  }
}

/**
 * `value` with each character disguised one way or left as it is, and invisible characters between
 * some of them (never before the first or after the last: the identifier is what a reader sees).
 * `ways` are the disguises allowed: 'other case' only where the identifier's case means nothing.
 */
export function obfuscated(value: string, ways: readonly Disguise[]): fc.Arbitrary<string> {
  const perChar = fc.record({
    how: fc.constantFrom(...ways),
    pick: fc.nat(),
    after: fc.array(fc.constantFrom(...INVISIBLES), { maxLength: 2 }),
  });
  const chars = [...value];
  return fc
    .array(perChar, { minLength: chars.length, maxLength: chars.length })
    .map((choices) => chars.map((char, i) => disguise(char, choices[i]!.how, choices[i]!.pick) + (i < chars.length - 1 ? choices[i]!.after.join('') : '')).join(''));
}
