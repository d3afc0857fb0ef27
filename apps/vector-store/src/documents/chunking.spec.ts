// Chunking, property-based over hostile text (any code points, lone surrogates excluded as the
// contracts refuse them, long words, no spaces, only breaks): chunks are within the limit, taken
// as they stand in the text, in order, cover every non-blank character, overlap by at most the
// overlap, never split a surrogate pair, and come in a number bounded by the text's length.
import fc from 'fast-check';
import { CHUNKING, chunkText } from './chunking.js';

const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 4_000 }),
  fc.string({ unit: fc.constantFrom('a', ' ', '\n', '.', 'é', '😀'), maxLength: 6_000 }),
  fc.string({ unit: fc.constantFrom('x'), minLength: 1_000, maxLength: 5_000 }),
);
const options = fc.record({ maxChars: fc.integer({ min: 8, max: 1_200 }), overlap: fc.integer({ min: 0, max: 3 }) }).map((o) => ({ ...o, overlap: Math.min(o.overlap * 10, Math.floor(o.maxChars / 2) - 1) }));

test('chunks stay within the limit, stand in the text in order, and cover every non-blank character', () => {
  fc.assert(
    fc.property(text, options, (input, opts) => {
      const chunks = chunkText(input, opts);
      let covered = 0;
      let previous = -1;
      for (const { text: piece, start } of chunks) {
        expect(piece.length).toBeGreaterThan(0);
        expect(piece.length).toBeLessThanOrEqual(opts.maxChars);
        expect(input.slice(start, start + piece.length)).toBe(piece);
        expect(start).toBeGreaterThan(previous);
        // Never more overlap than asked (one more unit for a surrogate pair).
        expect(start).toBeGreaterThanOrEqual(covered - opts.overlap - 1);
        const first = piece.charCodeAt(0);
        expect(first >= 0xdc00 && first <= 0xdfff).toBe(false);
        const last = piece.charCodeAt(piece.length - 1);
        if (start + piece.length < input.length) expect(last >= 0xd800 && last <= 0xdbff).toBe(false);
        // What lies between the end of the covered part and this chunk is blank.
        if (start > covered) expect(input.slice(covered, start).trim()).toBe('');
        covered = Math.max(covered, start + piece.length);
        previous = start;
      }
      expect(input.slice(covered).trim()).toBe('');
      expect(chunks.length).toBeLessThanOrEqual(Math.ceil(input.length / Math.max(1, opts.maxChars / 2 - opts.overlap)) + 1);
    }),
  );
});

test('a short text is one chunk; a long one is cut at paragraph breaks first', () => {
  expect(chunkText('Bonjour.')).toEqual([{ text: 'Bonjour.', start: 0 }]);
  const paragraph = 'Une phrase assez longue pour remplir. '.repeat(15);
  const chunks = chunkText(`${paragraph}\n\n${paragraph}\n\n${paragraph}`, CHUNKING);
  expect(chunks.length).toBeGreaterThan(1);
  expect(chunks[0]!.text.endsWith('\n\n')).toBe(true);
  expect(chunkText('   \n\n  ')).toEqual([]);
});
