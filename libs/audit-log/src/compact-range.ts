// The right edge of a tree: the roots of the complete subtrees that make up its leaves (one per bit
// of its size), enough to append a leaf and to compute the root without reading anything else
// (transparency-dev calls it a compact range). The audit service keeps one per log in memory and
// reads it back from its nodes after a restart.
import { nodeHash } from './merkle-hash.js';
import { foldRange } from './memory-tree.js';
import { rangeNodes, type NodeRef } from './merkle-plan.js';

export interface CompletedNode extends NodeRef {
  hash: Buffer;
}

export class CompactRange {
  private readonly levels: number[];
  private readonly hashes: Buffer[];

  /** `hashes`: the nodes of rangeNodes(0, size), in that order. */
  constructor(
    private count: number,
    hashes: readonly Buffer[],
  ) {
    const nodes = rangeNodes(0, count);
    if (nodes.length !== hashes.length) throw new RangeError(`a tree of ${count} leaves has ${nodes.length} frontier nodes`);
    this.levels = nodes.map((node) => node.level);
    this.hashes = [...hashes];
  }

  /** The nodes to read to rebuild the range of a tree of `size` leaves. */
  static nodesOf(size: number): NodeRef[] {
    return rangeNodes(0, size);
  }

  get size(): number {
    return this.count;
  }

  /** Appends a leaf hash; returns the nodes above level 0 that it completes, lowest first. */
  append(leaf: Buffer): CompletedNode[] {
    const completed: CompletedNode[] = [];
    this.levels.push(0);
    this.hashes.push(leaf);
    this.count += 1;
    while (this.levels.length > 1 && this.levels[this.levels.length - 1] === this.levels[this.levels.length - 2]) {
      const right = this.hashes.pop()!;
      const left = this.hashes.pop()!;
      this.levels.pop();
      const level = this.levels.pop()! + 1;
      const hash = nodeHash(left, right);
      this.levels.push(level);
      this.hashes.push(hash);
      completed.push({ level, index: this.count / 2 ** level - 1, hash });
    }
    return completed;
  }

  root(): Buffer {
    return foldRange(this.hashes);
  }

  /** An independent copy (to try a batch before committing it). */
  clone(): CompactRange {
    return new CompactRange(this.count, this.hashes);
  }
}
