// Streamed re-identification: cut the answer anywhere, even inside placeholders, and the released text
// is what re-identifying the whole answer gives; what is held back stays shorter than a placeholder.
import fc from 'fast-check';
import { MAX_PLACEHOLDER_LENGTH } from './placeholder-grammar.js';
import { PlaceholderMap } from './placeholder-map.js';
import { Reidentifier } from './reidentifier.js';
import { answer, fullMap } from './pseudonymisation.arbitraries.js';
import { StreamingReidentifier } from './streaming-reidentifier.js';

/** The text cut at the given points (any order, repeats allowed). */
function cut(text: string, points: readonly number[]): string[] {
  const cuts = [...new Set(points.map((point) => point % (text.length + 1)))].sort((a, b) => a - b);
  return [...cuts, text.length].map((end, i) => text.slice(i === 0 ? 0 : cuts[i - 1], end));
}

function stream(map: PlaceholderMap, deltas: readonly string[]): { text: string; heldBack: number[]; streaming: StreamingReidentifier } {
  const streaming = new StreamingReidentifier(new Reidentifier(map));
  const heldBack: number[] = [];
  let text = '';
  for (const delta of deltas) {
    text += streaming.push(delta);
    heldBack.push(streaming.heldBack);
  }
  return { text: text + streaming.end(), heldBack, streaming };
}

test('a placeholder cut across deltas is held back until it is whole', () => {
  const map = new PlaceholderMap();
  map.placeholderFor('EMAIL', 'jean@example.fr');
  const streaming = new StreamingReidentifier(new Reidentifier(map));
  expect(streaming.push('Écrivez à <EM')).toBe('Écrivez à ');
  expect(streaming.push('AIL_')).toBe('');
  expect(streaming.push('1> demain')).toBe('jean@example.fr demain');
  expect(streaming.end()).toBe('');
});

test('a stray `<` is released as soon as what follows cannot be a placeholder, and at the end', () => {
  const streaming = new StreamingReidentifier(new Reidentifier(new PlaceholderMap()));
  expect(streaming.push('si a <')).toBe('si a ');
  expect(streaming.push(' b')).toBe('< b');
  expect(streaming.push('<ABC')).toBe('');
  expect(streaming.heldBack).toBe(4);
  expect(streaming.end()).toBe('<ABC');
});

test('a `<` followed by placeholder characters is held back no longer than a placeholder is long', () => {
  const streaming = new StreamingReidentifier(new Reidentifier(new PlaceholderMap()));
  let released = streaming.push('<');
  for (let i = 0; i < 100; i++) {
    released += streaming.push('A');
    expect(streaming.heldBack).toBeLessThan(MAX_PLACEHOLDER_LENGTH);
  }
  expect(released + streaming.end()).toBe(`<${'A'.repeat(100)}`);
});

test('for any answer cut at any points, the stream gives what re-identifying the whole answer gives', () => {
  const { map } = fullMap();
  const reidentifier = new Reidentifier(map);
  fc.assert(
    fc.property(answer, fc.array(fc.nat(), { maxLength: 20 }), (text, points) => {
      const whole = reidentifier.reidentify(text);
      const streamed = stream(map, cut(text, points));
      expect(streamed.text).toBe(whole.text);
      expect([streamed.streaming.restored, streamed.streaming.invented]).toEqual([whole.restored, whole.invented]);
      for (const held of streamed.heldBack) expect(held).toBeLessThan(MAX_PLACEHOLDER_LENGTH);
    }),
    { numRuns: 3_000 },
  );
});

test('one character at a time gives the same answer too', () => {
  const { map } = fullMap();
  const reidentifier = new Reidentifier(map);
  fc.assert(
    fc.property(answer, (text) => {
      expect(stream(map, [...text]).text).toBe(reidentifier.reidentify(text).text);
    }),
  );
});
