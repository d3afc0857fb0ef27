// The embedded backend's in-memory index of one tenant in one vector space: the tenant's points in
// one contiguous block of float32 (ScanArena: row i at i * stride), searched exactly: every point is
// scored by a dot product of unit vectors (a cosine; WebAssembly SIMD where available), and the k
// best that pass the filter kept in order. Exact search needs no recall measure; at 10,000 points of
// 384 dimensions a search is a few ms (README).
import { ScanArena } from './simd-scan.js';
import type { VectorHit, VectorPoint } from './vector-backend.port.js';

export type IndexedPoint = Omit<VectorPoint, 'vector'>;

export class TenantVectorIndex {
  private readonly arena: ScanArena;
  private points: IndexedPoint[] = [];
  private readonly positions = new Map<string, number>();

  constructor(
    readonly dimensions: number,
    capacity = 64,
    simd = true,
  ) {
    this.arena = new ScanArena(dimensions, capacity, simd);
  }

  get size(): number {
    return this.points.length;
  }

  /** Adds the points, or replaces those whose id is already there. Vectors must be unit length. */
  upsert(points: readonly VectorPoint[]): void {
    for (const { vector, ...point } of points) {
      if (vector.length !== this.dimensions) throw new Error(`a vector of ${vector.length} dimensions in an index of ${this.dimensions}`);
      let row = this.positions.get(point.id);
      if (row === undefined) {
        row = this.points.length;
        if (row >= this.arena.rows) this.arena.reserve(Math.max(row + 1, this.arena.rows * 2));
        this.points.push(point);
        this.positions.set(point.id, row);
      } else {
        this.points[row] = point;
      }
      this.arena.matrix.set(vector, row * this.arena.stride);
    }
  }

  /** Removes the points that match; answers how many. The last row moves into each hole. */
  removeWhere(matches: (point: IndexedPoint) => boolean): number {
    let removed = 0;
    for (let row = this.points.length - 1; row >= 0; row--) {
      if (!matches(this.points[row]!)) continue;
      this.removeRow(row);
      removed += 1;
    }
    return removed;
  }

  /** The `k` closest points that `accept` lets through, closest first. */
  search(query: Float32Array, k: number, accept: (point: IndexedPoint) => boolean): VectorHit[] {
    if (query.length !== this.dimensions) throw new Error(`a query of ${query.length} dimensions in an index of ${this.dimensions}`);
    const scores = this.arena.scores(query, this.points.length);
    const best: Array<{ row: number; score: number }> = [];
    for (let row = 0; row < this.points.length; row++) {
      const score = scores[row]!;
      if (best.length === k && score <= best[k - 1]!.score) continue;
      if (!accept(this.points[row]!)) continue;
      let at = best.length === k ? k - 1 : best.length;
      while (at > 0 && best[at - 1]!.score < score) {
        best[at] = best[at - 1]!;
        at -= 1;
      }
      best[at] = { row, score };
    }
    return best.map(({ row, score }) => ({ id: this.points[row]!.id, documentId: this.points[row]!.documentId, score }));
  }

  private removeRow(row: number): void {
    const last = this.points.length - 1;
    const removed = this.points[row]!;
    const { matrix, stride } = this.arena;
    this.positions.delete(removed.id);
    if (row !== last) {
      const moved = this.points[last]!;
      this.points[row] = moved;
      this.positions.set(moved.id, row);
      matrix.copyWithin(row * stride, last * stride, (last + 1) * stride);
    }
    this.points.pop();
    matrix.fill(0, last * stride, (last + 1) * stride);
  }
}
