// The text the recognisers read, and the way back from its spans to the text as written.
import fc from 'fast-check';
import { NormalisedText } from './normalised-text.js';

const span = (text: NormalisedText, start: number, end: number): [number, number] => {
  const { start: from, end: to } = text.originalSpan(start, end);
  return [from, to];
};

test('a text with nothing to fold is its own normalised text, accented letters, no-break spaces and line breaks included', () => {
  const original = 'Écrire à Zoé Lefèvre\u00A0: 06\u202F12 34 56 78,\n\tœuvre « là » 12 €';
  const normalised = NormalisedText.of(original);
  expect(normalised.text).toBe(original);
  expect(normalised.unchanged).toBe(true);
  expect(span(normalised, 3, 9)).toEqual([3, 9]);
});

test('the search for what to fold passes over nothing that folds: every code unit alone reads as it does after a fold', () => {
  const differing: string[] = [];
  for (let c = 0; c <= 0xffff; c++) {
    const char = String.fromCharCode(c);
    // A zero-width space first: the text is read unit by unit from the start.
    if (NormalisedText.of(char).text !== NormalisedText.of(`\u200B${char}`).text) differing.push(c.toString(16));
  }
  expect(differing).toEqual([]);
});

test.each([
  ['invisible characters are left out', 'a\u200Bb\u00ADc\uFEFFd\u2060e\u200C\u200Df', 'abcdef'],
  ['full-width forms are folded', 'ｊｅａｎ＠ｅｘａｍｐｌｅ．ｆｒ ０６', 'jean@example.fr 06'],
  ['Cyrillic and Greek look-alikes become Latin letters', 'j\u0435\u0430n@\u043Er\u0430ng\u0435.fr \u039D\u039F', 'jean@orange.fr NO'],
  ['letters that are not look-alikes stay (Moscow in Cyrillic)', '\u041C\u043E\u0441\u043A\u0432\u0430', 'Moc\u043A\u0432a'],
  ['a mark folds with the letter before it', 'Jose\u0301', 'José'],
  ['a mark that composes with nothing is left out', 'j\u0332ean', 'jean'],
  ['a ligature is read as its letters', '\uFB01n', 'fin'],
  ['letters of other alphabets of Latin look are read as Latin', '\u{1D423}\u{1D41E}\u{1D41A}\u{1D427}', 'jean'],
  ['digits of other scripts are ASCII digits', '\u0660\u0666 \u0967\u0968', '06 12'],
  ['spaces of other widths are spaces', '06\u200212\u300034', '06 12 34'],
  ['dashes drawn like a hyphen are hyphens', '06\u201012\u221234', '06-12-34'],
  ['control characters are left out, white space kept', 'a\u0000b\u0007c\td\re\u0085f', 'abc\td\re\u0085f'],
  ['an emoji stays as it is', 'ok 😀 06', 'ok 😀 06'],
])('%s', (_what, original, expected) => {
  expect(NormalisedText.of(original).text).toBe(expected);
});

test('a span maps back to the characters it was read from, the invisible ones inside it included, none outside it', () => {
  const original = 'x \u200B0\u200B6\u00AD 12\u200B y';
  const normalised = NormalisedText.of(original);
  expect(normalised.text).toBe('x 06 12 y');
  expect(span(normalised, 2, 7)).toEqual([original.indexOf('0'), original.indexOf('2') + 1]);
  expect(span(normalised, 8, 9)).toEqual([original.length - 1, original.length]);
});

test('a span that starts or ends inside a folded character takes all of it', () => {
  const original = 'a\uFB01b ｘ\u{1D41A}';
  const normalised = NormalisedText.of(original);
  expect(normalised.text).toBe('afib xa');
  expect(span(normalised, 1, 2)).toEqual([1, 2]);
  expect(span(normalised, 2, 3)).toEqual([1, 2]);
  expect(span(normalised, 2, 4)).toEqual([1, 3]);
  expect(span(normalised, 5, 7)).toEqual([4, 7]);
});

test('a long run of combining marks is folded a few at a time (NFKC reorders a run in quadratic time)', () => {
  const original = `a${'\u0301'.repeat(100_000)}b`;
  expect(NormalisedText.of(original).text).toBe('áb');
});

const anyText = fc.string({
  unit: fc.oneof(
    fc.constantFrom('a', 'e', '0', '6', ' ', '.', '@', '-', '\n', 'é'),
    fc.constantFrom('\u200B', '\u00AD', '\uFEFF', '\u0301', '\u0332', '\u0430', '\u03BF', 'ｊ', '０', '\uFB01', '\u2026', '\u{1D41A}', '😀', '\u0660', '\u00A0', '\u0000', '\uD800'),
    fc.string({ unit: 'binary', maxLength: 1 }),
  ),
  maxLength: 40,
});

test('each unit of the normalised text is read from the characters its span maps to, and spans go forward with the text', () => {
  fc.assert(
    fc.property(anyText, (original) => {
      const normalised = NormalisedText.of(original);
      let previous = [0, 0];
      for (let u = 0; u < normalised.text.length; u++) {
        const [start, end] = span(normalised, u, u + 1);
        expect(0 <= start && start < end && end <= original.length).toBe(true);
        expect(NormalisedText.of(original.slice(start, end)).text).toContain(normalised.text[u]);
        expect(start >= previous[0]! && (start >= previous[1]! || (start === previous[0] && end === previous[1]))).toBe(true);
        previous = [start, end];
      }
      if (normalised.text.length > 0) expect(span(normalised, 0, normalised.text.length)).toEqual([span(normalised, 0, 1)[0], span(normalised, normalised.text.length - 1, normalised.text.length)[1]]);
    }),
    { numRuns: 1_000 },
  );
});
