import fc from 'fast-check';
import { CompactRange } from './compact-range.js';
import { leafHash } from './merkle-hash.js';
import { MemoryMerkleTree } from './memory-tree.js';

const leaf = (i: number) => leafHash(Buffer.from(`leaf ${i}`));

test('appending leaves gives the root and the nodes of the tree built whole, from any starting size', () => {
  fc.assert(
    fc.property(fc.nat(200), fc.nat(100), (start, more) => {
      const tree = new MemoryMerkleTree();
      for (let i = 0; i < start; i++) tree.append(leaf(i));
      const range = new CompactRange(start, CompactRange.nodesOf(start).map((ref) => tree.node(ref)));
      for (let i = start; i < start + more; i++) {
        tree.append(leaf(i));
        for (const node of range.append(leaf(i))) expect(node.hash.equals(tree.node(node))).toBe(true);
        expect(range.root().equals(tree.root())).toBe(true);
      }
      expect(range.size).toBe(start + more);
    }),
  );
});

test('appending leaf 3 completes the nodes over leaves 2-3 and 0-3', () => {
  const range = new CompactRange(0, []);
  for (let i = 0; i < 3; i++) range.append(leaf(i));
  expect(range.append(leaf(3)).map(({ level, index }) => ({ level, index }))).toEqual([{ level: 1, index: 1 }, { level: 2, index: 0 }]);
});

test('a frontier that does not match the size is refused', () => {
  expect(() => new CompactRange(5, [leaf(0)])).toThrow(RangeError);
});
