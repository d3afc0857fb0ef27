// The two halves at once (export-halves.ts) against the single pass: on exports made here, valid or
// tampered in each way tampered-exports.ts knows, anywhere and around the split, both give the same
// verdict, index and reason, or the same format error; in this thread and in worker threads.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { checkHalf, type HalfCheck, type HalfResult } from './export-half.js';
import { inWorkerThread } from './export-halves.js';
import { ExportFormatError } from './export-lines.js';
import { fileExportSource, textExportSource, type ExportSource } from './export-source.js';
import { verifyExport, type ExportVerification, type VerifyOptions } from './export-verifier.js';
import { memoryExport } from './memory-export.js';
import { foldRange } from './memory-tree.js';
import { rangeNodes, splitPoint } from './merkle-plan.js';
import { KEYS, LOG, TAMPERINGS, entryNumber, makeExport, parse, privateKey, write } from './testing/tampered-exports.js';

const dir = mkdtempSync(join(tmpdir(), 'gardien-export-halves-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function exportFile(lines: readonly string[]): string {
  const path = join(dir, `${(files += 1)}.jsonl`);
  writeFileSync(path, lines.join(''));
  return path;
}

/** A file's export, counting the times the single pass reads its lines (the halves read the file themselves). */
function countedSource(lines: readonly string[]): { source: ExportSource; singlePassReads: () => number } {
  const file = fileExportSource(exportFile(lines));
  let reads = 0;
  const linesRead = () => {
    reads += 1;
    return file.lines();
  };
  return { source: { ...file, lines: linesRead }, singlePassReads: () => reads };
}

/** Each half checked in this thread, the calls counted. */
class InThisThread {
  calls = 0;
  readonly check: HalfCheck = (task) => {
    this.calls += 1;
    return checkHalf(task);
  };
}

const inWorkers = inWorkerThread({ execArgv: ['--import', new URL('./testing/register-typescript.mjs', import.meta.url).href] });

type Outcome = ExportVerification | 'format error';
async function outcomeOf(source: ExportSource, options: VerifyOptions): Promise<Outcome> {
  try {
    return await verifyExport(source, options);
  } catch (error) {
    if (error instanceof ExportFormatError) return 'format error';
    throw error;
  }
}

/** The single pass's outcome (the export held in memory, not a file) and the halves' (from a file, whatever its size). */
async function outcomes(lines: readonly string[], options: VerifyOptions, check: HalfCheck) {
  const single = await outcomeOf(textExportSource(lines.join('')), options);
  const { source, singlePassReads } = countedSource(lines);
  const halves = await outcomeOf(source, { ...options, halves: { fromTreeSize: 2, check } });
  return { single, halves, singlePassReads: singlePassReads() };
}

const keysOrNot = (withKeys: boolean): VerifyOptions => (withKeys ? { publicKeys: KEYS } : {});
/** A position in an export: any, or next to the split (the last entry on the left, the first on the right). */
type Position = { any: number } | { fromSplit: -1 | 0 };
const position: fc.Arbitrary<Position> = fc.oneof(fc.record({ any: fc.nat() }), fc.record({ fromSplit: fc.constantFrom(-1 as const, 0 as const) }));
const entryAt = (where: Position, count: number) => ('any' in where ? where.any % count : splitPoint(count) + where.fromSplit);

describe('a valid export', () => {
  test.each([2, 3, 4, 5, 8, 9, 33, 70])('of %i entries is decided by the two halves alone, with the single pass verdict', async (count) => {
    for (const withKeys of [true, false]) {
      const halfChecks = new InThisThread();
      const { single, halves, singlePassReads } = await outcomes(makeExport(count).lines, keysOrNot(withKeys), halfChecks.check);
      expect(single).toMatchObject({ ok: true, log: LOG, entries: count });
      expect(halves).toEqual(single);
      expect([halfChecks.calls, singlePassReads]).toEqual([2, 0]);
    }
  });
});

describe('a tampered export', () => {
  test('any kind of tampering, anywhere, with or without keys: the same verdict as the single pass', async () => {
    const made = new Map<number, string[]>();
    const linesOf = (count: number) => made.get(count) ?? made.set(count, makeExport(count).lines).get(count)!;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 70 }), fc.constantFrom(...Object.keys(TAMPERINGS)), position, fc.boolean(), async (count, kind, at, withKeys) => {
        const lines = TAMPERINGS[kind]!(linesOf(count), entryAt(at, count));
        const { single, halves } = await outcomes(lines, keysOrNot(withKeys), new InThisThread().check);
        expect(halves).toEqual(single);
      }),
      { numRuns: 500 },
    );
    // About 15 ms a run (each export read up to four times); more on a machine running other suites.
  }, 60_000);

  // Each half checks only that its proofs all end alike: the other half's root they end with is
  // what the two sides cross-check, and without it a forged last element would pass.
  test.each([
    ['left', 5],
    ['right', 5],
    ['left', 33],
    ['right', 33],
    ['right', 64],
  ] as const)('every proof of the %s half of %i entries ending with the same forged hash: refused as the single pass refuses it', async (side, count) => {
    const k = splitPoint(count);
    const lines = makeExport(count).lines.map((line, i) => {
      const onSide = side === 'left' ? i < k : i >= k && i < count;
      if (!onSide) return line;
      const entry = parse(line);
      return write({ ...entry, inclusion_proof: [...entry.inclusion_proof.slice(0, -1), 'ef'.repeat(32)] });
    });
    const { single, halves, singlePassReads } = await outcomes(lines, { publicKeys: KEYS }, new InThisThread().check);
    expect(single).toMatchObject({ ok: false });
    expect(halves).toEqual(single);
    expect(singlePassReads).toBeGreaterThan(0);
  });

  test("another log's export (every proof its own tree's) under this log's signed tree head: refused as the single pass refuses it", async () => {
    const count = 21;
    const other = memoryExport({ log: LOG, entries: Array.from({ length: count }, (_, i) => entryNumber(500 + i)), privateKey, keyId: 'audit-2026-12', timestamp: '2026-12-02T10:00:00Z' });
    const lines = [...other.lines.slice(0, -1), makeExport(count).lines[count]!];
    const { single, halves, singlePassReads } = await outcomes(lines, { publicKeys: KEYS }, new InThisThread().check);
    expect(single).toMatchObject({ ok: false });
    expect(halves).toEqual(single);
    expect(singlePassReads).toBeGreaterThan(0);
  });
});

// A half alone: on bytes that hold exactly its side's lines it holds, with the roots the two sides
// are compared by; a line more, a line less or one out of place and it does not, whatever its proofs.
describe('one half alone', () => {
  const count = 12;
  const k = splitPoint(count);
  const made = makeExport(count);
  const [left, right, head] = [made.lines.slice(0, k), made.lines.slice(k, count), made.lines[count]!];
  const half = (side: 'left' | 'right', lines: readonly string[]) => {
    const path = exportFile(lines);
    const leaves = side === 'left' ? { from: 0, to: k } : { from: k, to: count };
    return checkHalf({ path, bytes: { start: 0, end: Buffer.byteLength(lines.join('')) }, treeSize: count, leaves, canonical: true });
  };

  test("each side's lines: it holds, with its root and the other side's as its proofs claim it", async () => {
    const [l, r] = await Promise.all([half('left', left), half('right', [...right, head])]);
    const hex = (hash: Buffer) => hash.toString('hex');
    const [leftRoot, rightRoot] = [made.tree.root(k), foldRange(rangeNodes(k, count).map((ref) => made.tree.node(ref)))];
    expect([l, r]).toEqual([
      { holds: true, root: hex(leftRoot), sibling: hex(rightRoot) },
      { holds: true, root: hex(rightRoot), sibling: hex(leftRoot) },
    ]);
  });

  test.each([
    ['left', 'its last entry missing', [...left.slice(0, -1)]],
    ['left', 'a line of garbage after its entries', [...left, 'not json\n']],
    ['left', 'an empty line after its entries', [...left, '\n']],
    ['left', 'a tree head after its entries', [...left, head]],
    ['left', "the right side's first entry", [...left, right[0]!]],
    ['right', 'without the tree head', [...right]],
    ['right', 'the tree head twice', [...right, head, head]],
    ['right', 'the tree head before its last entry', [...right.slice(0, -1), head, right[right.length - 1]!]],
    ['right', 'its last entry missing', [...right.slice(0, -1), head]],
    ['right', "the left side's last entry first", [left[left.length - 1]!, ...right, head]],
  ] as const)('the %s side, %s: it does not hold', async (side, _, lines) => {
    await expect(half(side, lines)).resolves.toEqual({ holds: false });
  });
});

describe('what the halves leave to the single pass', () => {
  test('a half that fails stops the other, and the single pass gives the verdict', async () => {
    let rightStopped = false;
    const check: HalfCheck = (task, signal) =>
      task.leaves.from === 0
        ? Promise.resolve({ holds: false })
        : new Promise<HalfResult>((resolve) => signal.addEventListener('abort', () => ((rightStopped = true), resolve({ holds: false })), { once: true }));
    const { source, singlePassReads } = countedSource(makeExport(12).lines);
    await expect(verifyExport(source, { publicKeys: KEYS, halves: { fromTreeSize: 2, check } })).resolves.toMatchObject({ ok: true, entries: 12 });
    expect([rightStopped, singlePassReads() > 0]).toEqual([true, true]);
  });

  test('from the threshold only, and only a whole export read from a file: not one in memory, a range, or one since an earlier tree head', async () => {
    const lines = makeExport(12).lines;
    const file = () => countedSource(lines).source;
    const runs: Array<[string, ExportSource, number, VerifyOptions, number]> = [
      ['at the threshold', file(), 12, {}, 2],
      ['below it', file(), 13, {}, 0],
      ['in memory', textExportSource(lines.join('')), 2, {}, 0],
      ['a range', file(), 2, { partial: true }, 0],
      ['since an earlier head', file(), 2, { sinceTreeHead: makeExport(5).head }, 0],
    ];
    const calls: Array<[string, number]> = [];
    for (const [what, source, fromTreeSize, options] of runs) {
      const halfChecks = new InThisThread();
      await expect(verifyExport(source, { ...options, publicKeys: KEYS, halves: { fromTreeSize, check: halfChecks.check } })).resolves.toMatchObject({ ok: true });
      calls.push([what, halfChecks.calls]);
    }
    expect(calls).toEqual(runs.map(([what, , , , expected]) => [what, expected]));
  });
});

// A worker thread runs plain Node: it loads the sources through register-typescript.mjs, as jest does.
describe('in worker threads', () => {
  test('a valid export: the same verdict, from the halves alone', async () => {
    const { single, halves, singlePassReads } = await outcomes(makeExport(40).lines, { publicKeys: KEYS }, inWorkers);
    expect(halves).toEqual(single);
    expect(singlePassReads).toBe(0);
  });

  test('tampered exports: the same verdicts as the single pass', async () => {
    const made = makeExport(40).lines;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(TAMPERINGS)), position, async (kind, at) => {
        const { single, halves } = await outcomes(TAMPERINGS[kind]!(made, entryAt(at, 40)), { publicKeys: KEYS }, inWorkers);
        expect(halves).toEqual(single);
      }),
      { numRuns: 25 },
    );
  }, 60_000);
});
