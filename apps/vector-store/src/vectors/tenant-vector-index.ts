// The embedded backend's in-memory index of one tenant in one vector space: the tenant's points in
// one contiguous Float32Array (row i at i * dimensions), searched exactly: every point that passes
// the filter is scored by a dot product of unit vectors (a cosine), the k best kept in order. Exact
// search needs no recall measure; at 10,000 points of 384 dimensions a search is a few ms (README).
import type { VectorHit, VectorPoint } from './vector-backend.port.js';

export type IndexedPoint = Omit<VectorPoint, 'vector'>;

export class TenantVectorIndex {
  private matrix: Float32Array;
  private points: IndexedPoint[] = [];
  private readonly positions = new Map<string, number>();

  constructor(
    readonly dimensions: number,
    capacity = 64,
  ) {
    this.matrix = new Float32Array(Math.max(1, capacity) * dimensions);
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
        this.grow(row + 1);
        this.points.push(point);
        this.positions.set(point.id, row);
      } else {
        this.points[row] = point;
      }
      this.matrix.set(vector, row * this.dimensions);
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
    const best: Array<{ row: number; score: number }> = [];
    const dims = this.dimensions;
    const matrix = this.matrix;
    for (let row = 0; row < this.points.length; row++) {
      if (!accept(this.points[row]!)) continue;
      const score = dot(matrix, row * dims, query, dims);
      if (best.length === k && score <= best[k - 1]!.score) continue;
      let at = best.length === k ? k - 1 : best.length;
      while (at > 0 && best[at - 1]!.score < score) {
        best[at] = best[at - 1]!;
        at -= 1;
      }
      best[at] = { row, score };
      if (best.length > k) best.length = k;
    }
    return best.map(({ row, score }) => ({ id: this.points[row]!.id, documentId: this.points[row]!.documentId, score }));
  }

  private removeRow(row: number): void {
    const last = this.points.length - 1;
    const removed = this.points[row]!;
    this.positions.delete(removed.id);
    if (row !== last) {
      const moved = this.points[last]!;
      this.points[row] = moved;
      this.positions.set(moved.id, row);
      this.matrix.copyWithin(row * this.dimensions, last * this.dimensions, (last + 1) * this.dimensions);
    }
    this.points.pop();
    this.matrix.fill(0, last * this.dimensions, (last + 1) * this.dimensions);
  }

  private grow(rows: number): void {
    if (rows * this.dimensions <= this.matrix.length) return;
    const next = new Float32Array(Math.max(rows, (this.matrix.length / this.dimensions) * 2) * this.dimensions);
    next.set(this.matrix);
    this.matrix = next;
  }
}

/** Unrolled by four: the loop that all of a search's time goes to. */
function dot(matrix: Float32Array, offset: number, query: Float32Array, dims: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < dims; i += 4) {
    s0 += matrix[offset + i]! * query[i]!;
    s1 += matrix[offset + i + 1]! * query[i + 1]!;
    s2 += matrix[offset + i + 2]! * query[i + 2]!;
    s3 += matrix[offset + i + 3]! * query[i + 3]!;
  }
  for (; i < dims; i++) s0 += matrix[offset + i]! * query[i]!;
  return s0 + s1 + s2 + s3;
}
