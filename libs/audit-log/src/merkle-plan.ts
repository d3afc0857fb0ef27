// Which stored hashes a root or a proof is made of, without the hashes themselves: a log of a
// million entries answers a proof by reading a few dozen stored nodes, never the whole log.
//
// A node is the root of a complete subtree: `{ level, index }` covers the leaves
// [index * 2^level, (index + 1) * 2^level). Every range that RFC 9162's recursions hash, MTH(D[lo:hi]),
// starts at a multiple of the largest power of two below its size, so it is the fold from the
// right of the complete subtrees of the binary decomposition of its size: a list of nodes.

export interface NodeRef {
  level: number;
  index: number;
}

/** A proof is at most one hash per level of a tree of 2^63 leaves. */
export const MAX_PROOF_LENGTH = 64;

/** The complete subtrees whose right fold is MTH(D[lo:hi]), left to right. */
export function rangeNodes(lo: number, hi: number): NodeRef[] {
  const nodes: NodeRef[] = [];
  let start = lo;
  while (start < hi) {
    let level = Math.floor(Math.log2(hi - start));
    while (start % 2 ** level !== 0) level -= 1;
    nodes.push({ level, index: start / 2 ** level });
    start += 2 ** level;
  }
  return nodes;
}

/** The largest power of two smaller than n (n > 1), RFC 9162's k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** The nodes of each element of the inclusion proof of leaf `index` in the tree of `size` leaves (RFC 9162, 2.1.3.1). */
export function inclusionPlan(index: number, size: number): NodeRef[][] {
  assertIndex(index, size);
  const plan: NodeRef[][] = [];
  let lo = 0;
  let hi = size;
  const path: NodeRef[][] = [];
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (index < lo + k) {
      path.push(rangeNodes(lo + k, hi));
      hi = lo + k;
    } else {
      path.push(rangeNodes(lo, lo + k));
      lo += k;
    }
  }
  // PATH lists the siblings from the leaf up; they were found from the root down.
  for (let i = path.length - 1; i >= 0; i -= 1) plan.push(path[i]!);
  return plan;
}

/** The nodes of each element of the consistency proof between the trees of `first` and `second` leaves (RFC 9162, 2.1.4.1). */
export function consistencyPlan(first: number, second: number): NodeRef[][] {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || first > second) throw new RangeError('0 <= first <= second required');
  if (first === 0 || first === second) return [];
  const path: NodeRef[][] = [];
  let lo = 0;
  let hi = second;
  let m = first;
  let whole = true;
  while (m !== hi - lo) {
    const n = hi - lo;
    const k = splitPoint(n);
    if (m <= k) {
      path.push(rangeNodes(lo + k, hi));
      hi = lo + k;
    } else {
      path.push(rangeNodes(lo, lo + k));
      lo += k;
      m -= k;
      whole = false;
    }
  }
  if (!whole) path.push(rangeNodes(lo, hi));
  return path.reverse();
}


function assertIndex(index: number, size: number): void {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) throw new RangeError('0 <= index < size required');
}
