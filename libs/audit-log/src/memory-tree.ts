// A Merkle tree held in memory, one contiguous buffer per level: what the offline verifier builds
// from an export, and what tests compare the stored log with. The proofs come from the same plans
// as the audit service's (merkle-plan.ts), read from these buffers instead of the database.
import { HASH_BYTES, EMPTY_TREE_HASH, nodeHash } from './merkle-hash.js';
import { consistencyPlan, inclusionPlan, rangeNodes, type NodeRef } from './merkle-plan.js';

/** The right fold of complete subtrees' hashes: MTH of the range they cover. */
export function foldRange(hashes: readonly Buffer[]): Buffer {
  if (hashes.length === 0) return EMPTY_TREE_HASH;
  let folded = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i -= 1) folded = nodeHash(hashes[i]!, folded);
  return folded;
}

export class MemoryMerkleTree {
  /** levels[l] holds the complete nodes of level l, HASH_BYTES each. */
  private readonly levels: Buffer[] = [];
  private readonly counts: number[] = [];
  private leaves = 0;

  get size(): number {
    return this.leaves;
  }

  append(leaf: Uint8Array): void {
    if (leaf.length !== HASH_BYTES) throw new RangeError('a leaf hash is 32 bytes');
    this.put(0, leaf);
    this.leaves += 1;
    let level = 0;
    while (this.counts[level]! % 2 === 0) {
      const count = this.counts[level]!;
      const right = this.node({ level, index: count - 1 });
      const left = this.node({ level, index: count - 2 });
      this.put(level + 1, nodeHash(left, right));
      level += 1;
    }
  }

  node(ref: NodeRef): Buffer {
    if (ref.index >= (this.counts[ref.level] ?? 0)) throw new RangeError('no such node');
    const offset = ref.index * HASH_BYTES;
    return this.levels[ref.level]!.subarray(offset, offset + HASH_BYTES);
  }

  root(size = this.leaves): Buffer {
    this.assertSize(size);
    return foldRange(rangeNodes(0, size).map((ref) => this.node(ref)));
  }

  inclusionProof(index: number, size = this.leaves): Buffer[] {
    this.assertSize(size);
    return inclusionPlan(index, size).map((refs) => foldRange(refs.map((ref) => this.node(ref))));
  }

  consistencyProof(first: number, second = this.leaves): Buffer[] {
    this.assertSize(second);
    return consistencyPlan(first, second).map((refs) => foldRange(refs.map((ref) => this.node(ref))));
  }

  private put(level: number, hash: Uint8Array): void {
    const count = this.counts[level] ?? 0;
    let buffer = this.levels[level];
    // Grown by doubling: the size of a tree is not known before its leaves are read.
    if (buffer === undefined || buffer.length < (count + 1) * HASH_BYTES) {
      const grown = Buffer.alloc(Math.max(64, count * 2) * HASH_BYTES);
      if (buffer !== undefined) buffer.copy(grown);
      buffer = grown;
      this.levels[level] = grown;
    }
    buffer.set(hash, count * HASH_BYTES);
    this.counts[level] = count + 1;
  }

  private assertSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.leaves) throw new RangeError('no tree of that size');
  }
}
