// The word-sequence matcher against a plain search of every way to place the steps.
import fc from 'fast-check';
import { normaliseWord } from './detection-text.js';
import { WordSequenceMatcher } from './word-sequence.matcher.js';

const words = (text: string) => text.split(' ').map(normaliseWord);

test('steps in order, with at most the allowed words between', () => {
  const matcher = new WordSequenceMatcher([{ id: 'r', sequences: ['ignore|forget ~2 previous ~0 rules'] }]);
  expect(matcher.match(words('please ignore all the previous rule'))).toEqual(new Set(['r']));
  expect(matcher.match(words('forget previous rules'))).toEqual(new Set(['r']));
  expect(matcher.match(words('ignore all of the previous rules'))).toEqual(new Set());
  expect(matcher.match(words('ignore previous the rules'))).toEqual(new Set());
  expect(matcher.match(words('previous rules ignore'))).toEqual(new Set());
});

test('one word does not stand for two steps, but may repeat for them', () => {
  const matcher = new WordSequenceMatcher([{ id: 'r', sequences: ['no ~1 no'] }]);
  expect(matcher.match(['no'])).toEqual(new Set());
  expect(matcher.match(['no', 'no'])).toEqual(new Set(['r']));
});

test('malformed sequences are refused when the rules are built', () => {
  for (const sequence of ['', '~1 a', 'a ~1', 'a ~x b', 'a ~99 b', 'a ~ b']) {
    expect(() => new WordSequenceMatcher([{ id: 'r', sequences: [sequence] }])).toThrow();
  }
});

/** Whether the steps can be placed at increasing positions, each within its gap of the one before. */
function naiveMatch(steps: readonly (readonly string[])[], gaps: readonly number[], words: readonly string[]): boolean {
  const from = (step: number, previous: number): boolean => {
    if (step === steps.length) return true;
    const last = step === 0 ? words.length - 1 : Math.min(words.length - 1, previous + 1 + gaps[step]!);
    for (let position = step === 0 ? 0 : previous + 1; position <= last; position++) {
      if (steps[step]!.includes(words[position]!) && from(step + 1, position)) return true;
    }
    return false;
  };
  return from(0, -1);
}

test('for any sequence and words, the matcher agrees with trying every placement', () => {
  const vocabulary = fc.constantFrom('aa', 'bb', 'cc', 'dd');
  const step = fc.uniqueArray(vocabulary, { minLength: 1, maxLength: 2 });
  fc.assert(
    fc.property(fc.array(fc.tuple(step, fc.nat({ max: 3 })), { minLength: 1, maxLength: 4 }), fc.array(vocabulary, { maxLength: 14 }), (spec, words) => {
      const source = spec.map(([alternatives, gap], i) => `${i === 0 ? '' : `~${gap} `}${alternatives.join('|')}`).join(' ');
      const matched = new WordSequenceMatcher([{ id: 'r', sequences: [source] }]).match(words).has('r');
      expect(matched).toBe(naiveMatch(spec.map(([alternatives]) => alternatives), spec.map(([, gap]) => gap), words));
    }),
    { numRuns: 5_000 },
  );
});
