// The tree of an export from index 0, rebuilt leaf by leaf, each line's proof compared with it: a
// sibling to the left is a node already built; one to the right (always a right child, so named by
// its first leaf) is remembered once, however many proofs hold it, and compared when its last leaf
// has arrived. Consecutive leaves share the siblings of their common ancestors: those are compared
// with the previous line's proof as written, byte for byte, and only the siblings below the two
// leaves' last common ancestor are compared one by one (two on average). One hash per leaf and
// per node, rather than a proof's twenty per entry.
//
// It may rebuild one subtree of the tree alone, the leaves [from, to) of one side of the root
// (RFC 9162's split): the siblings of that subtree are then not its own to check, only to be the
// same in every proof; whoever rebuilt them compares them with what the proofs claim.
import { MemoryMerkleTree, foldRange } from './memory-tree.js';
import { rangeNodes, splitPoint } from './merkle-plan.js';
import type { ProofBytes } from './written-entry-line.js';

/** The siblings of a leaf as ranges [lo, hi), from the root down, as RFC 9162's PATH finds them. */
class Siblings {
  readonly lo: number[] = [];
  readonly hi: number[] = [];
  count = 0;

  of(index: number, size: number): this {
    let lo = 0;
    let hi = size;
    let count = 0;
    while (hi - lo > 1) {
      const k = splitPoint(hi - lo);
      if (index < lo + k) {
        this.lo[count] = lo + k;
        this.hi[count] = hi;
        hi = lo + k;
      } else {
        this.lo[count] = lo;
        this.hi[count] = lo + k;
        lo += k;
      }
      count += 1;
    }
    this.count = count;
    return this;
  }

  /** How many siblings, from the root down, are the same ranges as `other`'s. */
  sharedWith(other: Siblings): number {
    const most = Math.min(this.count, other.count);
    let shared = 0;
    while (shared < most && this.lo[shared] === other.lo[shared] && this.hi[shared] === other.hi[shared]) shared += 1;
    return shared;
  }
}

/** Leaves [from, to) of a tree: the whole tree, or one side of its root. */
export interface LeafRange {
  from: number;
  to: number;
}

/** Whether a proof's element is what was claimed before for the range from leaf `lo`; the first claim is remembered. */
function sameAsClaimed(claims: Map<number, Buffer>, proof: ProofBytes, element: number, lo: number): boolean {
  const earlier = claims.get(lo);
  if (earlier !== undefined) return proof.is(element, earlier);
  const claimed = proof.at(element);
  if (claimed === undefined) return false;
  claims.set(lo, Buffer.from(claimed));
  return true;
}

export class RebuiltTree {
  /** The subtree rebuilt, its leaves numbered from 0. */
  readonly tree = new MemoryMerkleTree();
  /** Claimed hashes (hex) of ranges to the right, by first leaf; and the first leaves of those ending at each size. */
  private readonly claims = new Map<number, Buffer>();
  private readonly endingAt = new Map<number, number[]>();
  /** Claimed hashes (hex) of the subtree's siblings, outside it, by first leaf. */
  private readonly outside = new Map<number, Buffer>();
  /** The hex of the last node read at each level: consecutive entries share their left siblings. */
  private readonly hexCache: Array<{ index: number; hex: Buffer } | undefined> = [];
  private siblings = new Siblings();
  private previousSiblings = new Siblings();
  private previousProof: ProofBytes | undefined;

  /** `leaves`: the whole tree, or one of the two subtrees of its root (the leaves before or from splitPoint(size)). */
  constructor(
    private readonly size: number,
    private readonly leaves: LeafRange = { from: 0, to: size },
  ) {}

  /** The hash (hex) that the proofs claim for the range of the tree that starts at leaf `lo`, outside the subtree rebuilt. */
  claimedOutside(lo: number): Buffer | undefined {
    return this.outside.get(lo);
  }

  /** Appends the next leaf and checks its proof; false when the proof is not the tree's. */
  appendChecking(leaf: Buffer, proof: ProofBytes): boolean {
    const from = this.leaves.from;
    const index = from + this.tree.size;
    this.tree.append(leaf);
    const siblings = this.siblings.of(index, this.size);
    const count = siblings.count;
    if (count !== proof.length) return false;
    // The siblings both leaves have: checked (or claimed) with the previous line, if written alike.
    let shared = this.previousProof === undefined ? 0 : siblings.sharedWith(this.previousSiblings);
    if (shared > 0 && !proof.endsLike(this.previousProof!, shared)) shared = 0;
    for (let step = shared; step < count; step += 1) {
      // Found from the root down; the proof lists them from the leaf up.
      const element = count - 1 - step;
      const lo = siblings.lo[step]!;
      const hi = siblings.hi[step]!;
      if (hi <= from || lo >= this.leaves.to) {
        if (!sameAsClaimed(this.outside, proof, element, lo)) return false;
        continue;
      }
      // Within the subtree, nodes are numbered from its first leaf.
      if (hi <= index + 1) {
        if (!proof.is(element, this.completeNodeHex(lo - from, hi - from))) return false;
        continue;
      }
      const known = this.claims.has(lo);
      if (!sameAsClaimed(this.claims, proof, element, lo)) return false;
      if (known) continue;
      const ending = this.endingAt.get(hi - from);
      if (ending === undefined) this.endingAt.set(hi - from, [lo]);
      else ending.push(lo);
    }
    this.previousProof = proof;
    [this.previousSiblings, this.siblings] = [this.siblings, this.previousSiblings];
    return this.resolveClaims();
  }

  /** Compares the claims on ranges whose last leaf has just arrived with the nodes now built. */
  private resolveClaims(): boolean {
    const resolved = this.endingAt.get(this.tree.size);
    if (resolved === undefined) return true;
    this.endingAt.delete(this.tree.size);
    for (const lo of resolved) {
      const actual = foldRange(rangeNodes(lo - this.leaves.from, this.tree.size).map((ref) => this.tree.node(ref))).toString('hex');
      if (actual !== this.claims.get(lo)!.toString('latin1')) return false;
      this.claims.delete(lo);
    }
    return true;
  }

  /** A sibling to the left is always a complete subtree: one stored node. */
  private completeNodeHex(lo: number, hi: number): Buffer {
    const level = Math.log2(hi - lo);
    const index = lo / (hi - lo);
    const cached = this.hexCache[level];
    if (cached?.index === index) return cached.hex;
    const hex = Buffer.from(this.tree.node({ level, index }).toString('hex'), 'latin1');
    this.hexCache[level] = { index, hex };
    return hex;
  }
}
