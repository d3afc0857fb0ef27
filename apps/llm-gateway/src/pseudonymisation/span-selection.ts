// Which of possibly overlapping findings are replaced: the longest first, then the highest score
// (then the earliest, then the type, so that the order the findings came in never matters), each kept
// only if it overlaps none kept before it. Untrusted text can yield many findings, so the overlap test
// counts kept spans in Fenwick trees over the findings' own offsets: O(k log k) for k findings.
import type { Finding } from './pii-finding.js';

function byPriority(a: Finding, b: Finding): number {
  return b.end - b.start - (a.end - a.start) || b.score - a.score || a.start - b.start || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0);
}

/** Counts of marked positions below a bound, over positions 0..size-1. */
class PositionCounts {
  private readonly tree: Int32Array;

  constructor(size: number) {
    this.tree = new Int32Array(size + 1);
  }

  mark(position: number): void {
    for (let i = position + 1; i < this.tree.length; i += i & -i) this.tree[i]!++;
  }

  /** How many marks stand at positions strictly below `bound`. */
  below(bound: number): number {
    let count = 0;
    for (let i = bound; i > 0; i -= i & -i) count += this.tree[i]!;
    return count;
  }
}

/** The findings to replace: pairwise disjoint, in text order. */
export function selectSpans(findings: readonly Finding[]): Finding[] {
  const offsets = [...new Set(findings.flatMap((finding) => [finding.start, finding.end]))].sort((a, b) => a - b);
  const rank = new Map(offsets.map((offset, index) => [offset, index]));
  const starts = new PositionCounts(offsets.length);
  const ends = new PositionCounts(offsets.length);
  const kept: Finding[] = [];
  for (const finding of [...findings].sort(byPriority)) {
    const start = rank.get(finding.start)!;
    const end = rank.get(finding.end)!;
    // Kept spans that start before this one ends, less those that end before it starts, overlap it.
    if (starts.below(end) - ends.below(start + 1) > 0) continue;
    starts.mark(start);
    ends.mark(end);
    kept.push(finding);
  }
  return kept.sort((a, b) => a.start - b.start);
}
