// Leak scanning of a streamed answer: cut anywhere, the findings are those of the whole answer, each
// reported before any of it is released, and each scan covers a bounded stretch.
import fc from 'fast-check';
import type { Finding } from '../pseudonymisation/pii-finding.js';
import { StreamingLeakScanner } from './streaming-leak.scanner.js';

/** A recogniser that reads one character of context on each side: maximal runs of 4 to 12 digits, of 3 to 8 capitals. */
function scanNumbersAndCodes(text: string): Finding[] {
  const findings: Finding[] = [];
  for (const [pattern, type, min, max] of [[/[0-9]+/gu, 'NUMBER', 4, 12], [/[A-Z]+/gu, 'CODE', 3, 8]] as const) {
    for (const match of text.matchAll(pattern)) {
      if (match[0].length < min || match[0].length > max) continue;
      findings.push({ type, start: match.index, end: match.index + match[0].length, text: match[0], score: 0.9 });
    }
  }
  return findings;
}

const byPosition = (a: Finding, b: Finding) => a.start - b.start || a.end - b.end || (a.type < b.type ? -1 : 1);

const answer = fc
  .array(
    fc.oneof(
      fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 20 }),
      fc.string({ unit: fc.constantFrom(...'ABCXYZ'), minLength: 1, maxLength: 12 }),
      fc.constantFrom(' ', 'le ', ', ', '\n', 'é', '\u{1F600}', 'abc'),
    ),
    { maxLength: 30 },
  )
  .map((pieces) => pieces.join(''));

function cut(text: string, points: readonly number[]): string[] {
  const cuts = [...new Set(points.map((point) => point % (text.length + 1)))].sort((a, b) => a - b);
  return [...cuts, text.length].map((end, i) => text.slice(i === 0 ? 0 : cuts[i - 1], end));
}

test('an identifier cut across deltas is found before any of it is released', () => {
  const scanner = new StreamingLeakScanner(scanNumbersAndCodes, { window: 16, batch: 4 });
  const steps = ['Le numéro est 0612', '345678, rappelez', ' vite, merci beaucoup !', ''].map((delta) => (delta === '' ? scanner.end() : scanner.push(delta)));
  expect(steps.map((step) => step.release).join('')).toBe('Le numéro est 0612345678, rappelez vite, merci beaucoup !');
  const withFinding = steps.findIndex((step) => step.findings.length > 0);
  expect(steps.slice(0, withFinding).map((step) => step.release).join('')).not.toMatch(/[0-9]/u);
  expect(steps[withFinding]!.findings).toEqual([{ type: 'NUMBER', start: 14, end: 24, text: '0612345678', score: 0.9 }]);
  expect(steps[withFinding]!.release).toContain('0');
  expect(scanner.report).toEqual({ total: 1, byType: { NUMBER: 1 } });
});

test('short answers are held until the end, then scanned', () => {
  const scanner = new StreamingLeakScanner(scanNumbersAndCodes);
  expect(scanner.push('code ABCD')).toEqual({ release: '', findings: [] });
  expect(scanner.heldBack).toBe(9);
  expect(scanner.end()).toEqual({ release: 'code ABCD', findings: [{ type: 'CODE', start: 5, end: 9, text: 'ABCD', score: 0.9 }] });
  expect(scanner.end()).toEqual({ release: '', findings: [] });
});

test('window and batch are positive integers', () => {
  for (const options of [{ window: 0 }, { batch: 0 }, { window: 1.5 }, { batch: Number.NaN }]) {
    expect(() => new StreamingLeakScanner(scanNumbersAndCodes, options)).toThrow(RangeError);
  }
});

test('for any answer cut at any points, the stream finds what scanning the whole answer finds, each before it is released', () => {
  fc.assert(
    fc.property(answer, fc.array(fc.nat(), { maxLength: 25 }), fc.integer({ min: 13, max: 40 }), fc.integer({ min: 1, max: 20 }), (text, points, window, batch) => {
      const expected = scanNumbersAndCodes(text).sort(byPosition);
      const scanned: number[] = [];
      const scanner = new StreamingLeakScanner(
        (chunk) => {
          scanned.push(chunk.length);
          return scanNumbersAndCodes(chunk);
        },
        { window, batch },
      );
      let released = '';
      const reported: Finding[] = [];
      for (const delta of cut(text, points)) {
        scanned.length = 0;
        const step = scanner.push(delta);
        released += step.release;
        reported.push(...step.findings);
        // Nothing released whose identifier is not reported yet.
        expect(expected.filter((finding) => finding.start < released.length)).toEqual([...reported].sort(byPosition));
        expect(scanner.heldBack).toBeLessThan(window + batch);
        for (const length of scanned) expect(length).toBeLessThanOrEqual(2 * window + batch - 1 + delta.length);
      }
      const last = scanner.end();
      released += last.release;
      reported.push(...last.findings);
      expect(released).toBe(text);
      expect(reported.sort(byPosition)).toEqual(expected);
      expect(scanner.report.total).toBe(expected.length);
    }),
    { numRuns: 3_000 },
  );
});

test('one character at a time, the work stays bounded by the window, not the answer', () => {
  const text = 'Appelez le 0612345678 ou écrivez. '.repeat(3_000);
  let scannedCharacters = 0;
  const scanner = new StreamingLeakScanner(
    (chunk) => {
      scannedCharacters += chunk.length;
      return scanNumbersAndCodes(chunk);
    },
    { window: 64, batch: 32 },
  );
  let findings = 0;
  for (const character of text) findings += scanner.push(character).findings.length;
  findings += scanner.end().findings.length;
  expect(findings).toBe(3_000);
  expect(scannedCharacters).toBeLessThan(text.length * ((2 * 64 + 32) / 32 + 1));
});
