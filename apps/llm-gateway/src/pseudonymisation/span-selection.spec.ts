// Overlapping findings: the longest wins, then the highest score, whatever order they came in; checked
// against a plain quadratic greedy selection.
import fc from 'fast-check';
import type { Finding } from './pii-finding.js';
import { selectSpans } from './span-selection.js';

const finding = (type: string, start: number, end: number, score = 0.9): Finding => ({ type, start, end, text: 'x'.repeat(end - start), score });

function referenceSelection(findings: readonly Finding[]): Finding[] {
  const ordered = [...findings].sort(
    (a, b) => b.end - b.start - (a.end - a.start) || b.score - a.score || a.start - b.start || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0),
  );
  const kept: Finding[] = [];
  for (const candidate of ordered) {
    if (kept.every((other) => candidate.end <= other.start || other.end <= candidate.start)) kept.push(candidate);
  }
  return kept.sort((a, b) => a.start - b.start);
}

const findings = fc.array(
  fc
    .tuple(fc.constantFrom('EMAIL', 'PHONE', 'PERSON'), fc.nat({ max: 60 }), fc.integer({ min: 1, max: 15 }), fc.constantFrom(0.5, 0.7, 0.9))
    .map(([type, start, length, score]) => finding(type, start, start + length, score)),
  { maxLength: 40 },
);

test('the longer of two overlapping findings wins, then the higher score', () => {
  expect(selectSpans([finding('PHONE', 5, 15), finding('PERSON', 0, 8)])).toEqual([finding('PHONE', 5, 15)]);
  expect(selectSpans([finding('PERSON', 0, 10, 0.6), finding('EMAIL', 2, 12, 0.95)])).toEqual([finding('EMAIL', 2, 12, 0.95)]);
  expect(selectSpans([finding('DATE_OF_BIRTH', 0, 10), finding('PHONE', 0, 10)])).toEqual([finding('DATE_OF_BIRTH', 0, 10)]);
});

test('spans that only touch are both kept, in text order', () => {
  expect(selectSpans([finding('PHONE', 5, 9), finding('EMAIL', 0, 5), finding('IP', 9, 12)])).toEqual([finding('EMAIL', 0, 5), finding('PHONE', 5, 9), finding('IP', 9, 12)]);
});

test('for any findings, the selection is the greedy one, disjoint and in text order', () => {
  fc.assert(
    fc.property(findings, (all) => {
      const selected = selectSpans(all);
      expect(selected).toEqual(referenceSelection(all));
      for (let i = 1; i < selected.length; i++) expect(selected[i]!.start).toBeGreaterThanOrEqual(selected[i - 1]!.end);
    }),
    { numRuns: 1_000 },
  );
});

test('the order the findings come in does not change the selection', () => {
  fc.assert(
    fc.property(findings.chain((all) => fc.tuple(fc.constant(all), fc.shuffledSubarray(all, { minLength: all.length }))), ([all, shuffled]) => {
      expect(selectSpans(shuffled)).toEqual(selectSpans(all));
    }),
  );
});

test('a hundred thousand chained overlapping findings are settled quickly', () => {
  const chain = Array.from({ length: 100_000 }, (_, i) => finding('PHONE', i * 2, i * 2 + 3 + (i % 2)));
  const selected = selectSpans(chain);
  expect(selected.length).toBeGreaterThan(30_000);
  expect(selected).toEqual(referenceSelectionOfChain(chain));
});

/** The greedy answer for short findings, with the covered positions in an array instead of comparing with every kept span. */
function referenceSelectionOfChain(chain: readonly Finding[]): Finding[] {
  const kept: Finding[] = [];
  const ordered = [...chain].sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
  const taken = new Uint8Array(chain.length * 2 + 4);
  for (const candidate of ordered) {
    let free = true;
    for (let i = candidate.start; i < candidate.end; i++) free &&= taken[i] === 0;
    if (!free) continue;
    for (let i = candidate.start; i < candidate.end; i++) taken[i] = 1;
    kept.push(candidate);
  }
  return kept.sort((a, b) => a.start - b.start);
}
