// The nesting pre-scan against arbitrary JSON: it agrees with the depth of the parsed value for
// every limit, whatever the strings hold (brackets, quotes, escapes, any Unicode).
import fc from 'fast-check';
import { nestsDeeperThan } from './json-nesting.js';

/** Depth of a parsed value: 0 for a scalar, 1 for `[]` or `{}`, and so on. */
function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...children.map(depthOf));
}

/** Strings that are hard for a scanner: brackets, quotes, backslashes and any code point. */
const trickyText = fc.string({ unit: fc.oneof(fc.constantFrom('[', ']', '{', '}', '"', '\\', '\\"', '\u2028', 'é', '\u{1F600}'), fc.string({ unit: 'binary', maxLength: 1 })), maxLength: 8 });

const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', maxDepth: 12 }, trickyText, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 3 }),
  object: fc.dictionary(trickyText, tie('value'), { maxKeys: 3 }),
})).value;

const bytes = (text: string) => new TextEncoder().encode(text);

test('for any JSON value and any limit, the scan agrees with the depth of the value', () => {
  fc.assert(
    fc.property(json, fc.integer({ min: 0, max: 14 }), fc.boolean(), (value, limit, pretty) => {
      const text = JSON.stringify(value, null, pretty ? 2 : undefined);
      return nestsDeeperThan(bytes(text), limit) === depthOf(value) > limit;
    }),
    { numRuns: 3_000 },
  );
});

test('exactly at the limit passes; one more level is refused', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 200 }), fc.constantFrom('[', '{"a":'), (limit, open) => {
      const nested = (levels: number) => `${open.repeat(levels - 1)}${open === '[' ? '[]' : '{}'}${(open === '[' ? ']' : '}').repeat(levels - 1)}`;
      return !nestsDeeperThan(bytes(nested(limit)), limit) && nestsDeeperThan(bytes(nested(limit + 1)), limit);
    }),
  );
});

test('brackets inside strings, escaped quotes included, do not count', () => {
  expect(nestsDeeperThan(bytes(JSON.stringify({ a: '[[[[{{{{', b: '\\"[[[[', c: '"' })), 1)).toBe(false);
  expect(nestsDeeperThan(bytes('["\\\\",[[]]]'), 2)).toBe(true);
});

test('a million unclosed brackets stop the scan at the limit', () => {
  expect(nestsDeeperThan(bytes('['.repeat(1_000_000)), 64)).toBe(true);
});

test('runs of backslashes before a quote: an even run closes the string, an odd one escapes the quote', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 9 }), (run) => {
      const text = `["${'\\'.repeat(run)}"${run % 2 === 0 ? ',[[1]]]' : '",[[1]]]'}`;
      return nestsDeeperThan(bytes(text), 2) === true && nestsDeeperThan(bytes(text), 3) === false;
    }),
  );
});
