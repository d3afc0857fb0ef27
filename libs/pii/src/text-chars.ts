// Character classes by UTF-16 code unit, without regular expressions: the scanners walk the text once.

export const isDigit = (c: number): boolean => c >= 48 && c <= 57;
export const isUpperAscii = (c: number): boolean => c >= 65 && c <= 90;
export const isLowerAscii = (c: number): boolean => c >= 97 && c <= 122;
export const isAsciiLetter = (c: number): boolean => isUpperAscii(c) || isLowerAscii(c);

/** ASCII and Latin letters (Latin-1, Extended-A and B, Extended Additional): what French and EU names are written with. */
export function isLetter(c: number): boolean {
  if (c < 128) return isAsciiLetter(c);
  return (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7) || (c >= 0x1e00 && c <= 0x1eff);
}

export function isUpperLetter(c: number): boolean {
  if (c < 128) return isUpperAscii(c);
  if (!isLetter(c)) return false;
  const char = String.fromCharCode(c);
  return char.toLowerCase() !== char;
}

export const isAlnum = (c: number): boolean => isDigit(c) || isLetter(c);

/** The code unit at `index`, or -1 outside the text (a boundary). */
export const codeAt = (text: string, index: number): number => (index >= 0 && index < text.length ? text.charCodeAt(index) : -1);

/** Nothing alphanumeric touches this side of a token. */
export const isBoundary = (text: string, index: number): boolean => {
  const c = codeAt(text, index);
  return c === -1 || !isAlnum(c);
};

/**
 * A number starts at `start`: nothing alphanumeric before it, and it does not continue a group of
 * digits ("1234 5678": the 5 starts no number of its own).
 */
export const startsNumber = (text: string, start: number): boolean => {
  const before = codeAt(text, start - 1);
  if (before === -1) return true;
  if (isAlnum(before)) return false;
  return !isDigit(codeAt(text, start - 2)) || !(isNumberSpace(before) || before === 45 || before === 46);
};

/** Spaces that may sit inside a printed number: space, no-break space, narrow no-break space. */
export const isNumberSpace = (c: number): boolean => c === 32 || c === 0xa0 || c === 0x202f;

/** Blanks between words: spaces, tabs, line breaks. */
export const isBlank = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13 || c === 0xa0 || c === 0x202f;
