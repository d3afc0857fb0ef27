// findUnsafeText against arbitrary JSON values: it finds a defect exactly when one exists, and the
// place it names holds one. Property-based, since the input is whatever a client sends.
import fc from 'fast-check';
import { findUnsafeText, textDefectOf } from './unsafe-text.js';

/** Any UTF-16 code unit, lone surrogates and NUL included. */
const anyCodeUnits = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)), maxLength: 12 });
/** Text that is safe: whole code points, no NUL. */
const safeText = fc.string({ unit: 'grapheme', maxLength: 12 }).map((text) => text.replaceAll('\u0000', ''));

/** The reference: what the defect of a string is, written the slow and obvious way. */
function referenceDefect(text: string): string | undefined {
  if ([...text].some((char) => char === '\u0000')) return 'contains_nul';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const high = unit >= 0xd800 && unit <= 0xdbff;
    const low = unit >= 0xdc00 && unit <= 0xdfff;
    if (low) return 'lone_surrogate';
    if (high) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return 'lone_surrogate';
      i++;
    }
  }
  return undefined;
}

function jsonOf(text: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  return fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, text, fc.integer(), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
    array: fc.array(tie('value'), { maxLength: 4 }),
    object: fc.dictionary(text, tie('value'), { maxKeys: 4 }),
  })).value;
}

/** Every string and key of a value, the slow way. */
function textsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(textsOf);
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([key, item]) => [key, ...textsOf(item)]);
  return [];
}

/** What sits at `path`: a key (the last segment names an own key) or the value there. */
function textsAt(root: unknown, path: Array<string | number>): string[] {
  let at: unknown = root;
  for (const segment of path.slice(0, -1)) at = (at as Record<string | number, unknown>)[segment];
  if (path.length === 0) return [at as string];
  const last = path[path.length - 1]!;
  const value = (at as Record<string | number, unknown>)[last];
  return typeof last === 'string' ? [last, ...(typeof value === 'string' ? [value] : [])] : [value as string];
}

test('the defect of one string is the reference one', () => {
  fc.assert(fc.property(anyCodeUnits, (text) => textDefectOf(text) === referenceDefect(text)));
});

test('in any JSON value: a defect is reported exactly when some string or key has one, and the path leads to it', () => {
  fc.assert(
    fc.property(jsonOf(anyCodeUnits), (value) => {
      const found = findUnsafeText(value);
      const expected = textsOf(value).some((text) => referenceDefect(text) !== undefined);
      if (!expected) return found === undefined;
      return found !== undefined && textsAt(value, found.path).some((text) => referenceDefect(text) === found.reason);
    }),
    { numRuns: 2_000 },
  );
});

test('values of safe text only pass', () => {
  fc.assert(fc.property(jsonOf(safeText), (value) => findUnsafeText(value) === undefined));
});

test('a defect planted anywhere in a safe value is found', () => {
  fc.assert(
    fc.property(jsonOf(safeText), fc.constantFrom('\u0000', '\ud800', '\udfff', 'a\udbffb'), fc.nat(), (value, defect, seed) => {
      const planted = plant(value, defect, seed);
      return findUnsafeText(planted)?.reason === referenceDefect(defect);
    }),
  );
});

/** `value` with `defect` as one more string, at a place chosen by `seed`. */
function plant(value: unknown, defect: string, seed: number): unknown {
  if (Array.isArray(value) && value.length > 0 && seed % 3 !== 0) {
    const index = seed % value.length;
    return value.map((item, i) => (i === index ? plant(item, defect, Math.floor(seed / 3)) : item));
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && seed % 2 === 0) return { ...value, [`k${defect}`]: 1 };
  return [value, defect];
}

test('nesting far beyond any call stack is walked without overflow', () => {
  let deep: unknown = ['\u0000'];
  for (let i = 0; i < 200_000; i++) deep = [deep];
  expect(findUnsafeText(deep)?.reason).toBe('contains_nul');
  expect(findUnsafeText(deep)?.path).toHaveLength(200_001);
});
