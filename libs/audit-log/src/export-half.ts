// One half of a whole export, checked alone (by a worker thread: export-halves.ts): the lines of
// the leaves on one side of the tree's root, read from their own bytes of the file. They are
// checked as the single pass checks a whole export (export-verifier.ts): each entry in its place,
// hashed as written, its proof compared with the subtree rebuilt from them. The proofs' last
// element, the root of the other side, is not this side's to check: it must be the same in every
// line, and is returned with this side's root for the two sides to be compared.
import { claimedLeafOf } from './entry-leaf.js';
import { ExportFormatError } from './export-lines.js';
import { fileLines } from './export-source.js';
import { RebuiltTree, type LeafRange } from './rebuilt-tree.js';
import { writtenEntryLine } from './written-entry-line.js';

export interface HalfTask {
  path: string;
  /** The bytes of the file that hold the half's lines: from a line's start to another's (the right half: to the end of the file, its tree head included). */
  bytes: { start: number; end: number };
  treeSize: number;
  /** The leaves before splitPoint(treeSize), or those from it. */
  leaves: LeafRange;
  /** Without the published keys, each entry must also be written in its canonical form. */
  canonical: boolean;
}

/** Roots as hex: the root of this side's subtree as rebuilt, and the root of the other side as its proofs claim it. */
export type HalfResult = { holds: true; root: string; sibling: string } | { holds: false };

/** How a half is checked: in a worker thread, in production; `signal` says the other half has failed. */
export type HalfCheck = (task: HalfTask, signal: AbortSignal) => Promise<HalfResult>;

const FAILS: HalfResult = { holds: false };

export async function checkHalf(task: HalfTask): Promise<HalfResult> {
  try {
    return await rebuiltHalf(task);
  } catch (error) {
    // A line too long to be an entry's: the single pass says so, naming the line.
    if (error instanceof ExportFormatError) return FAILS;
    throw error;
  }
}

async function rebuiltHalf({ path, bytes, treeSize, leaves, canonical }: HalfTask): Promise<HalfResult> {
  const rebuilt = new RebuiltTree(treeSize, leaves);
  let next = leaves.from;
  // Lines that are not entry lines: none on the left; on the right the tree head alone, last.
  let others = 0;
  for await (const line of fileLines(path, bytes)) {
    const written = writtenEntryLine(line.bytes);
    if (written === undefined) {
      others += 1;
      continue;
    }
    if (others > 0 || written.index !== next || next >= leaves.to) return FAILS;
    const leaf = claimedLeafOf(written, { canonical });
    if (leaf === undefined || !rebuilt.appendChecking(leaf, written.proof)) return FAILS;
    next += 1;
  }
  const endsWithHead = leaves.to === treeSize;
  if (next !== leaves.to || others !== (endsWithHead ? 1 : 0)) return FAILS;
  const sibling = rebuilt.claimedOutside(leaves.from === 0 ? leaves.to : 0);
  if (sibling === undefined) return FAILS;
  return { holds: true, root: rebuilt.tree.root().toString('hex'), sibling: sibling.toString('latin1') };
}
