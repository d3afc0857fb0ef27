// The placeholder grammar: what is a placeholder, what is the start of one, and that nobody reading
// from a `<` goes further than MAX_PLACEHOLDER_LENGTH.
import fc from 'fast-check';
import { formatPlaceholder, isPlaceholderType, MAX_COUNTER, MAX_PLACEHOLDER_LENGTH, scanPlaceholder } from './placeholder-grammar.js';

const upper = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ');
const segment = fc.tuple(upper, fc.string({ unit: fc.constantFrom(...'AZ09'), maxLength: 4 })).map(([first, rest]) => first + rest);
const placeholderType = fc.array(segment, { minLength: 1, maxLength: 4 }).map((segments) => segments.join('_')).filter((type) => type.length <= 32);
const placeholder = fc.tuple(placeholderType, fc.integer({ min: 1, max: MAX_COUNTER })).map(([type, counter]) => formatPlaceholder(type, counter));

test('placeholders are read whole, wherever they stand', () => {
  expect(scanPlaceholder('<EMAIL_1>', 0)).toEqual({ kind: 'placeholder', end: 9 });
  expect(scanPlaceholder('voir <DATE_OF_BIRTH_12>.', 5)).toEqual({ kind: 'placeholder', end: 23 });
  expect(scanPlaceholder('<IPV6_3>', 0)).toEqual({ kind: 'placeholder', end: 8 });
});

test.each([
  ['<email_1>', 'a lower-case type'],
  ['<EMAIL_01>', 'a leading zero'],
  ['<EMAIL_0>', 'counter zero'],
  ['<EMAIL1>', 'no underscore before the counter'],
  ['<_EMAIL_1>', 'a type that starts with an underscore'],
  ['<EMAIL__1>', 'two underscores'],
  ['<A_1_2>', 'digits where a type segment should be'],
  ['<EMAIL_1 >', 'a space'],
  ['<EMAIL_>', 'no counter'],
  [`<${'A'.repeat(33)}_1>`, 'a type of 33 characters'],
  ['<EMAIL_1234567890>', 'a counter of 10 digits'],
  ['EMAIL_1>', 'no opening'],
])('%s is no placeholder (%s)', (text) => {
  expect(scanPlaceholder(text, 0)).toEqual({ kind: 'none' });
});

test('the longest placeholder is exactly MAX_PLACEHOLDER_LENGTH long, and one more character makes it none', () => {
  const longest = formatPlaceholder('A'.repeat(32), MAX_COUNTER);
  expect(longest).toHaveLength(MAX_PLACEHOLDER_LENGTH);
  expect(scanPlaceholder(longest, 0)).toEqual({ kind: 'placeholder', end: MAX_PLACEHOLDER_LENGTH });
});

test('every proper prefix of a placeholder is partial, the whole is a placeholder', () => {
  fc.assert(
    fc.property(placeholder, (whole) => {
      for (let cut = 1; cut < whole.length; cut++) expect(scanPlaceholder(whole.slice(0, cut), 0)).toEqual({ kind: 'partial' });
      expect(scanPlaceholder(whole, 0)).toEqual({ kind: 'placeholder', end: whole.length });
    }),
  );
});

test('a limit cuts the text as its end would', () => {
  fc.assert(
    fc.property(placeholder, fc.string(), fc.nat(), (whole, after, cut) => {
      const text = whole + after;
      const limit = 1 + (cut % text.length);
      expect(scanPlaceholder(text, 0, limit)).toEqual(scanPlaceholder(text.slice(0, limit), 0));
    }),
  );
});

test('for any text, what is read from a `<` is bounded', () => {
  const pieces = fc.string({ unit: fc.constantFrom('<', '>', '_', 'A', 'Z', '1', '0', '9', 'a', ' '), maxLength: 120 });
  fc.assert(
    fc.property(pieces, fc.nat(), (text, start) => {
      const at = text.length === 0 ? 0 : start % text.length;
      const scan = scanPlaceholder(text, at);
      if (scan.kind === 'placeholder') expect(scan.end - at).toBeLessThanOrEqual(MAX_PLACEHOLDER_LENGTH);
      if (scan.kind === 'partial') expect(text.length - at).toBeLessThan(MAX_PLACEHOLDER_LENGTH);
      if (scan.kind !== 'none') expect(text[at]).toBe('<');
    }),
    { numRuns: 2_000 },
  );
});

test('the PII engine types fit the grammar; others do not', () => {
  for (const type of ['EMAIL', 'PHONE', 'IBAN', 'NIR', 'SIREN', 'SIRET', 'CARD', 'IP', 'DATE_OF_BIRTH', 'ADDRESS', 'PERSON', 'LITERAL']) {
    expect(isPlaceholderType(type)).toBe(true);
  }
  for (const type of ['', 'email', 'DATE OF BIRTH', 'A>', '_A', 'A_', 'A_1', 'A'.repeat(33)]) expect(isPlaceholderType(type)).toBe(false);
});
