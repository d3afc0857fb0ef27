// The fast path of canonicalText must write exactly what the reference implementation writes.
import fc from 'fast-check';
import canonicalize from 'canonicalize';
import { canonicalText } from './canonical-json.js';

const sortedDeep = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortedDeep);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortedDeep((value as Record<string, unknown>)[key])]));
  return value;
};

test('for any JSON value, in any key order, the text of canonicalize (RFC 8785)', () => {
  const json = fc.jsonValue({ maxDepth: 4 });
  fc.assert(
    fc.property(fc.oneof(json, json.map(sortedDeep)), (value) => {
      expect(canonicalText(value)).toBe(canonicalize(value));
    }),
    { numRuns: 2_000 },
  );
});

/** Strings of any UTF-16 code units: lone surrogates are there often. */
const codeUnits = fc.array(fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0xd800, max: 0xdfff })), { maxLength: 6 }).map((units) => String.fromCharCode(...units));

test('strings of any code units, lone surrogates included, and numbers of any magnitude', () => {
  fc.assert(
    fc.property(fc.dictionary(codeUnits, fc.oneof(codeUnits, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer())), (value) => {
      const sorted = sortedDeep(value);
      let reference: string | Error;
      try {
        reference = canonicalize(sorted) as string;
      } catch (error) {
        reference = error as Error;
      }
      if (reference instanceof Error) expect(() => canonicalText(sorted)).toThrow();
      else expect(canonicalText(sorted)).toBe(reference);
    }),
    { numRuns: 2_000 },
  );
});

test('the known answers of RFC 8785: key order by UTF-16 code units, ES number forms', () => {
  expect(canonicalText({ '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' })).toBe(
    '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
  );
  expect(canonicalText({ numbers: [333333333.33333329, 1e30, 4.5, 2e-3, 0.000000000000000000000000001] })).toBe('{"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27]}');
  expect(() => canonicalText({ a: Infinity })).toThrow();
  expect(() => canonicalText({ a: '\ud800' })).toThrow();
});
