// The in-memory index against the plainest exact search there is (score every point, sort), on
// random points, filters, replacements and removals: the same points, in the same order.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { simdAvailable } from './simd-scan.js';
import { TenantVectorIndex, type IndexedPoint } from './tenant-vector-index.js';
import { normalised, type VectorPoint } from './vector-backend.port.js';

const DIMS = 8;
const vectorArb = fc.array(fc.float({ min: -1, max: 1, noNaN: true }), { minLength: DIMS, maxLength: DIMS }).map(normalised);

function point(vector: Float32Array, i: number): VectorPoint {
  return { id: randomUUID(), documentId: `d${i % 3}`, collection: 'c', purpose: 'p', classification: i % 2 ? 'public' : 'health', ownerId: 'o', subjectId: null, metadata: {}, vector };
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

test('answers what an exhaustive scan answers, through upserts, replacements and removals', () => {
  fc.assert(
    fc.property(fc.array(vectorArb, { minLength: 1, maxLength: 60 }), vectorArb, fc.integer({ min: 1, max: 20 }), fc.boolean(), (vectors, query, k, onlyPublic) => {
      const index = new TenantVectorIndex(DIMS, 2);
      const points = vectors.map(point);
      index.upsert(points);
      // Replace the first point's vector, remove the documents d2.
      points[0] = { ...points[0]!, vector: query };
      index.upsert([points[0]!]);
      expect(index.removeWhere((p) => p.documentId === 'd2')).toBe(points.filter((p) => p.documentId === 'd2').length);
      const left = points.filter((p) => p.documentId !== 'd2');
      const accept = (p: IndexedPoint) => !onlyPublic || p.classification === 'public';
      const expected = left
        .filter(accept)
        .map((p) => ({ id: p.id, score: dot(p.vector, query) }))
        .sort((a, b) => b.score - a.score)
        .slice(0, k);
      const hits = index.search(query, k, accept);
      expect(index.size).toBe(left.length);
      expect(hits.map((h) => h.score)).toEqual(expected.map((e) => expect.closeTo(e.score, 5)));
      // Equal scores may come in either order: compare the sets of ids above the k-th score.
      const cut = expected.at(-1)?.score ?? 0;
      expect(new Set(hits.filter((h) => h.score > cut + 1e-6).map((h) => h.id))).toEqual(new Set(expected.filter((e) => e.score > cut + 1e-6).map((e) => e.id)));
    }),
  );
});

test('refuses vectors and queries of another dimension', () => {
  const index = new TenantVectorIndex(DIMS);
  expect(() => index.upsert([point(new Float32Array(DIMS + 1), 0)])).toThrow();
  expect(() => index.search(new Float32Array(DIMS - 1), 1, () => true)).toThrow();
});

test('the WebAssembly SIMD scan scores as the plain JavaScript one does, for dimensions that are not a multiple of four', () => {
  expect(simdAvailable()).toBe(true);
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 2 ** 31 }), (dims, count, seed) => {
      let state = seed;
      const next = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32) - 0.5;
      const vectors = Array.from({ length: count }, () => normalised(Array.from({ length: dims }, next)));
      const query = normalised(Array.from({ length: dims }, next));
      const simd = new TenantVectorIndex(dims, 1, true);
      const plain = new TenantVectorIndex(dims, 1, false);
      const points = vectors.map(point);
      simd.upsert(points);
      plain.upsert(points);
      const a = simd.search(query, count, () => true);
      const b = plain.search(query, count, () => true);
      expect(a.map((h) => h.score)).toEqual(b.map((h) => expect.closeTo(h.score, 5)));
      for (const hit of a) expect(hit.score).toBeCloseTo(dot(points.find((p) => p.id === hit.id)!.vector, query), 5);
    }),
  );
});
