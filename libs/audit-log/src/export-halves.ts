// A whole export of a large tree, read from a file, checked as the two subtrees of its root at
// once, one per thread: RFC 9162 splits a tree of n leaves at k, the largest power of two below
// n, and MTH = nodeHash(MTH(D[0:k]), MTH(D[k:n])); the proof of a leaf on one side ends with the
// root of the other. Each side is rebuilt from its own lines (export-half.ts); the root each
// rebuilt must be what the other side's proofs end with, and the two together the signed root.
// Then every element of every proof is a node of the signed tree, as the single pass checks.
// This can only find that an export holds: anything else (a fault, a line out of place, a format
// error) is left to the single pass, which names what is wrong and where.
import { open, stat } from 'node:fs/promises';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { HalfCheck, HalfResult, HalfTask } from './export-half.js';
import { nodeHash } from './merkle-hash.js';
import { splitPoint } from './merkle-plan.js';
import type { LeafRange } from './rebuilt-tree.js';
import type { TreeHead } from './tree-head.js';

/** Whether the export in `path`, whose last line is `head`, holds every entry of its tree, in order, each proof and the root checked. */
export async function holdsInHalves(path: string, head: TreeHead, canonical: boolean, checkHalf: HalfCheck): Promise<boolean> {
  const size = head.tree_size;
  const k = splitPoint(size);
  const { size: fileSize } = await stat(path);
  const boundary = await lineStartOfEntry(path, fileSize, k);
  // Entry k at the very start: the export does not start with entry 0.
  if (boundary === undefined || boundary === 0) return false;
  const failed = new AbortController();
  const half = async (leaves: LeafRange, bytes: HalfTask['bytes']): Promise<HalfResult> => {
    const result = await checkHalf({ path, bytes, treeSize: size, leaves, canonical }, failed.signal);
    if (!result.holds) failed.abort();
    return result;
  };
  try {
    const [left, right] = await Promise.all([half({ from: 0, to: k }, { start: 0, end: boundary }), half({ from: k, to: size }, { start: boundary, end: fileSize })]);
    if (!left.holds || !right.holds) return false;
    if (left.sibling !== right.root || right.sibling !== left.root) return false;
    return nodeHash(Buffer.from(left.root, 'hex'), Buffer.from(right.root, 'hex')).equals(Buffer.from(head.root_hash, 'hex'));
  } finally {
    failed.abort();
  }
}

/** Each half in a worker thread of its own, stopped when the other has failed. */
export function inWorkerThread(options: Pick<WorkerOptions, 'execArgv'> = {}): HalfCheck {
  return (task, signal) =>
    new Promise((resolve, reject) => {
      const worker = new Worker(new URL('./export-half.worker.js', import.meta.url), { ...options, workerData: task });
      const stop = () => void worker.terminate();
      signal.addEventListener('abort', stop, { once: true });
      worker.once('message', (result: HalfResult) => resolve(result));
      // Not the export's fault (a format error is an answer): the verifier itself is broken.
      worker.once('error', (error) => reject(new Error(`the worker thread checking leaves [${task.leaves.from}, ${task.leaves.to}) failed`, { cause: error })));
      // After its answer or its error, this settles nothing; before them, it was stopped.
      worker.once('exit', () => {
        signal.removeEventListener('abort', stop);
        resolve({ holds: false });
      });
    });
}

/** Read at once to find where a line starts: many entry lines (an entry line is about 2 KB). */
const PROBE_BYTES = 64 * 1024;
const INDEX_PREFIX = /^\{"index":(0|[1-9][0-9]{0,15}),/;
/** `{"index":`, at most 16 digits, the comma. */
const INDEX_PREFIX_BYTES = 26;

/**
 * Where the line of entry `index` starts, found by bisection: an export's lines are in index
 * order. Undefined when the line found is not that entry's (the export is out of order, or has a
 * line longer than a probe): the single pass reads such an export.
 */
async function lineStartOfEntry(path: string, fileSize: number, index: number): Promise<number | undefined> {
  const file = await open(path, 'r');
  try {
    const probe = Buffer.alloc(PROBE_BYTES);
    /** The first line that starts at `at` or after it, and the entry it names (Infinity: none, or the end of the file). */
    const lineFrom = async (at: number): Promise<{ start: number; index: number } | undefined> => {
      let start = at;
      if (at > 0) {
        const { bytesRead } = await file.read(probe, 0, PROBE_BYTES, at - 1);
        const newline = probe.subarray(0, bytesRead).indexOf(0x0a);
        if (newline === -1 && bytesRead === PROBE_BYTES) return undefined;
        if (newline === -1) return { start: fileSize, index: Infinity };
        start = at + newline;
      }
      const { bytesRead } = await file.read(probe, 0, INDEX_PREFIX_BYTES, start);
      const named = INDEX_PREFIX.exec(probe.toString('latin1', 0, bytesRead));
      return { start, index: named === null ? Infinity : Number(named[1]) };
    };
    let low = 0;
    let high = fileSize;
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      const line = await lineFrom(middle);
      if (line === undefined) return undefined;
      if (line.index >= index) high = middle;
      else low = middle + 1;
    }
    const found = await lineFrom(low);
    return found?.index === index ? found.start : undefined;
  } finally {
    await file.close();
  }
}
