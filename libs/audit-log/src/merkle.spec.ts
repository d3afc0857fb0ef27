// Known answers of RFC 9162 / Certificate Transparency (the reference vectors of
// transparency-dev/merkle, themselves those of the RFC 6962 test suite), then the negative
// cases: a wrong leaf, a wrong root, a wrong, truncated or padded proof must each be rejected.
import fc from 'fast-check';
import { EMPTY_TREE_HASH, leafHash, leafOfText, nodeHash } from './merkle-hash.js';
import { MemoryMerkleTree } from './memory-tree.js';
import { consistencyPlan, inclusionPlan, rangeNodes } from './merkle-plan.js';
import { rootFromInclusionProof, verifyConsistency, verifyInclusion } from './merkle-verify.js';

const h = (hex: string) => Buffer.from(hex, 'hex');

const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(h);
/** ROOTS[n - 1]: the root of the tree of the first n leaves. */
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
].map(h);
/** Inclusion proofs: leaf index (0-based), tree size, proof. */
const INCLUSION: Array<[number, number, Buffer[]]> = [
  [0, 1, []],
  [0, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'].map(h)],
  [5, 8, ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'].map(h)],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'].map(h)],
  [1, 5, ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'].map(h)],
];
/** Consistency proofs: first size, second size, proof. */
const CONSISTENCY: Array<[number, number, Buffer[]]> = [
  [1, 1, []],
  [1, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'].map(h)],
  [6, 8, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'].map(h)],
  [2, 5, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'].map(h)],
  [6, 7, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'].map(h)],
];
const SOME_HASH = h('abacaba000000000000000000000000000000000000000000060061e00123456');

function referenceTree(size = LEAVES.length): MemoryMerkleTree {
  const tree = new MemoryMerkleTree();
  for (const leaf of LEAVES.slice(0, size)) tree.append(leafHash(leaf));
  return tree;
}

/** RFC 9162's MTH, written as the recursion of section 2.1.1, to check the stored-node trees against. */
function mth(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return EMPTY_TREE_HASH;
  if (leaves.length === 1) return leafHash(leaves[0]!);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

/** A tree whose leaf i is the text of i. */
function numberedTree(size: number): MemoryMerkleTree {
  const tree = new MemoryMerkleTree();
  for (let i = 0; i < size; i++) tree.append(leafHash(Buffer.from(String(i))));
  return tree;
}

const flip = (hash: Buffer, bit: number) => {
  const copy = Buffer.from(hash);
  copy[0] ^= 1 << bit;
  return copy;
};

describe('tree hash', () => {
  test('the empty tree is SHA-256 of nothing', () => {
    expect(EMPTY_TREE_HASH.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(new MemoryMerkleTree().root().equals(EMPTY_TREE_HASH)).toBe(true);
  });

  test.each(ROOTS.map((root, i) => [i + 1, root] as const))('the root of the first %i reference leaves is the reference root', (size, root) => {
    expect(referenceTree(size).root().toString('hex')).toBe(root.toString('hex'));
    expect(referenceTree().root(size).toString('hex')).toBe(root.toString('hex'));
    expect(mth(LEAVES.slice(0, size)).toString('hex')).toBe(root.toString('hex'));
  });

  test('a leaf is never hashed as a node: the prefixes differ', () => {
    const [a, b] = [leafHash(LEAVES[1]!), leafHash(LEAVES[2]!)];
    expect(leafHash(Buffer.concat([a, b])).equals(nodeHash(a, b))).toBe(false);
  });

  test("a text's leaf is the leaf hash of its UTF-8 bytes, whatever characters it holds and however long", () => {
    // A known answer first: SHA-256(0x00 || "") is the reference root of a tree of one empty leaf.
    expect(leafOfText('').leaf.equals(ROOTS[0]!)).toBe(true);
    const check = (text: string) => {
      const bytes = Buffer.from(text, 'utf8');
      const { bytes: encoded, leaf } = leafOfText(text);
      expect(encoded.equals(bytes)).toBe(true);
      expect(leaf.toString('hex')).toBe(leafHash(bytes).toString('hex'));
    };
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 64 }), check));
    // Longer than the reused buffer at first, and three bytes per character: grown, not cut short.
    check('€'.repeat(20_000));
    check('a'.repeat(70_000));
    // The bytes given out are a copy: the next text does not overwrite them.
    const first = leafOfText('first');
    leafOfText('second, longer');
    expect(first.bytes.toString('utf8')).toBe('first');
  });

  test('for any number of leaves, the stored-node tree has the root of the RFC recursion', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 8 }), { maxLength: 70 }), (data) => {
        const leaves = data.map((d) => Buffer.from(d));
        const tree = new MemoryMerkleTree();
        for (const leaf of leaves) tree.append(leafHash(leaf));
        expect(tree.root().toString('hex')).toBe(mth(leaves).toString('hex'));
      }),
    );
  });
});

describe('inclusion proofs', () => {
  test.each(INCLUSION)('leaf %i in a tree of %i: the reference proof is produced and verifies', (index, size, proof) => {
    const tree = referenceTree();
    expect(tree.inclusionProof(index, size).map((p) => p.toString('hex'))).toEqual(proof.map((p) => p.toString('hex')));
    expect(verifyInclusion(index, size, leafHash(LEAVES[index]!), proof, ROOTS[size - 1]!)).toBe(true);
  });

  // The corruptions of transparency-dev/merkle's verifier tests, each of which must fail.
  test.each(INCLUSION.filter(([, size]) => size > 1))('leaf %i in a tree of %i: every corrupted variant is rejected', (index, size, proof) => {
    const root = ROOTS[size - 1]!;
    const leaf = leafHash(LEAVES[index]!);
    const wrong: Array<[string, number, number, Buffer, Buffer[], Buffer]> = [
      ['index - 1', index - 1, size, leaf, proof, root],
      ['index + 1', index + 1, size, leaf, proof, root],
      ['index ^ 2', index ^ 2, size, leaf, proof, root],
      ['size * 2', index, size * 2, leaf, proof, root],
      ['size / 2', index, Math.floor(size / 2), leaf, proof, root],
      ['wrong leaf', index, size, Buffer.from('WrongLeaf'), proof, root],
      ['wrong leaf hash', index, size, leafHash(Buffer.from('x')), proof, root],
      ['empty root', index, size, leaf, proof, EMPTY_TREE_HASH],
      ['random root', index, size, leaf, proof, SOME_HASH],
      ['trailing garbage', index, size, leaf, [...proof, Buffer.alloc(0)], root],
      ['trailing root', index, size, leaf, [...proof, root], root],
      ['preceding garbage', index, size, leaf, [Buffer.alloc(0), ...proof], root],
      ['preceding root', index, size, leaf, [root, ...proof], root],
      ['removed component', index, size, leaf, proof.slice(0, -1), root],
      ['inserted component', index, size, leaf, [proof[0]!, SOME_HASH, ...proof.slice(1)], root],
      ...proof.map((_, i) => [`modified proof[${i}] bit 3`, index, size, leaf, proof.map((p, j) => (j === i ? flip(p, 3) : p)), root] as [string, number, number, Buffer, Buffer[], Buffer]),
    ];
    const accepted = wrong.filter(([, i, s, l, p, r]) => verifyInclusion(i, s, l, p, r)).map(([name]) => name);
    expect(accepted).toEqual([]);
  });

  test('impossible positions are rejected, never verified', () => {
    for (const [index, size] of [[0, 0], [1, 0], [2, 1], [-1, 4], [0.5, 4]]) {
      expect(rootFromInclusionProof(index!, size!, SOME_HASH, [])).toBeUndefined();
      expect(verifyInclusion(index!, size!, SOME_HASH, [], EMPTY_TREE_HASH)).toBe(false);
    }
    expect(() => inclusionPlan(3, 3)).toThrow(RangeError);
  });

  test('for any tree and leaf, the proof made from stored nodes verifies, and fails for any other leaf or index', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }).chain((size) => fc.tuple(fc.constant(size), fc.nat(size - 1), fc.nat(size - 1))), ([size, index, other]) => {
        const tree = numberedTree(size);
        const proof = tree.inclusionProof(index);
        const leaf = leafHash(Buffer.from(String(index)));
        expect(verifyInclusion(index, size, leaf, proof, tree.root())).toBe(true);
        if (other !== index) {
          expect(verifyInclusion(other, size, leaf, proof, tree.root())).toBe(false);
          expect(verifyInclusion(index, size, leafHash(Buffer.from(String(other))), proof, tree.root())).toBe(false);
        }
      }),
    );
  });
});

describe('consistency proofs', () => {
  test.each(CONSISTENCY)('from %i to %i leaves: the reference proof is produced and verifies', (first, second, proof) => {
    const tree = referenceTree();
    expect(tree.consistencyProof(first, second).map((p) => p.toString('hex'))).toEqual(proof.map((p) => p.toString('hex')));
    expect(verifyConsistency(first, second, ROOTS[first - 1]!, ROOTS[second - 1]!, proof)).toBe(true);
  });

  test.each(CONSISTENCY.filter(([, , proof]) => proof.length > 0))('from %i to %i leaves: every corrupted variant is rejected', (first, second, proof) => {
    const [root1, root2] = [ROOTS[first - 1]!, ROOTS[second - 1]!];
    const wrong: Array<[string, number, number, Buffer, Buffer, Buffer[]]> = [
      ['first - 1', first - 1, second, root1, root2, proof],
      ['first + 1', first + 1, second, root1, root2, proof],
      ['first ^ 2', first ^ 2, second, root1, root2, proof],
      ['second * 2', first, second * 2, root1, root2, proof],
      ['second / 2', first, Math.floor(second / 2), root1, root2, proof],
      ['wrong first root', first, second, Buffer.from('WrongRoot'), root2, proof],
      ['wrong second root', first, second, root1, Buffer.from('WrongRoot'), proof],
      ['random second root', first, second, root1, SOME_HASH, proof],
      ['swapped roots', first, second, root2, root1, proof],
      ['empty proof', first, second, root1, root2, []],
      ['trailing garbage', first, second, root1, root2, [...proof, Buffer.alloc(0)]],
      ['trailing root1', first, second, root1, root2, [...proof, root1]],
      ['trailing root2', first, second, root1, root2, [...proof, root2]],
      ['preceding garbage', first, second, root1, root2, [Buffer.alloc(0), ...proof]],
      ['preceding root1', first, second, root1, root2, [root1, ...proof]],
      ['preceding root2', first, second, root1, root2, [root2, ...proof]],
      ['preceding proof[0]', first, second, root1, root2, [proof[0]!, ...proof]],
      ['truncated proof', first, second, root1, root2, proof.slice(0, -1)],
      ...proof.map((_, i) => [`modified proof[${i}] bit 4`, first, second, root1, root2, proof.map((p, j) => (j === i ? flip(p, 4) : p))] as [string, number, number, Buffer, Buffer, Buffer[]]),
    ];
    const accepted = wrong.filter(([, f, s, r1, r2, p]) => verifyConsistency(f, s, r1, r2, p)).map(([name]) => name);
    expect(accepted).toEqual([]);
  });

  test('the trivial cases: from nothing, and from a tree to itself, with no proof; never backwards', () => {
    const [a, b] = [Buffer.from('don’t care 1'), Buffer.from('don’t care 2')];
    expect(verifyConsistency(0, 0, a, a, [])).toBe(true);
    expect(verifyConsistency(0, 1, a, b, [])).toBe(true);
    expect(verifyConsistency(1, 1, b, b, [])).toBe(false); // Not a hash: 32 bytes are required.
    expect(verifyConsistency(1, 1, ROOTS[0]!, ROOTS[0]!, [])).toBe(true);
    expect(verifyConsistency(1, 1, ROOTS[0]!, ROOTS[1]!, [])).toBe(false);
    expect(verifyConsistency(1, 0, a, b, [])).toBe(false);
    expect(verifyConsistency(2, 1, a, b, [])).toBe(false);
    expect(verifyConsistency(1, 2, ROOTS[0]!, ROOTS[1]!, [])).toBe(false);
    expect(verifyConsistency(0, 1, EMPTY_TREE_HASH, EMPTY_TREE_HASH, [EMPTY_TREE_HASH])).toBe(false);
    expect(verifyConsistency(1, 1, EMPTY_TREE_HASH, EMPTY_TREE_HASH, [EMPTY_TREE_HASH])).toBe(false);
  });

  test('for any two sizes, the proof made from stored nodes verifies, and not against another tree', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }).chain((second) => fc.tuple(fc.integer({ min: 1, max: second }), fc.constant(second))), ([first, second]) => {
        const tree = numberedTree(second);
        const proof = tree.consistencyProof(first, second);
        expect(verifyConsistency(first, second, tree.root(first), tree.root(second), proof)).toBe(true);
        const forged = new MemoryMerkleTree();
        for (let i = 0; i < second; i++) forged.append(leafHash(Buffer.from(i === first - 1 ? 'forged' : String(i))));
        expect(verifyConsistency(first, second, forged.root(first), tree.root(second), proof)).toBe(false);
      }),
    );
  });
});

describe('plans', () => {
  test('a range is its binary decomposition into complete subtrees', () => {
    expect(rangeNodes(0, 7)).toEqual([{ level: 2, index: 0 }, { level: 1, index: 2 }, { level: 0, index: 6 }]);
    expect(rangeNodes(4, 8)).toEqual([{ level: 2, index: 1 }]);
    expect(rangeNodes(8, 13)).toEqual([{ level: 2, index: 2 }, { level: 0, index: 12 }]);
  });

  test('a proof in a log of a million entries reads a few dozen nodes', () => {
    const nodes = (plan: Array<Array<unknown>>) => plan.reduce((sum, refs) => sum + refs.length, 0);
    expect(nodes(inclusionPlan(123_457, 1_000_000))).toBeLessThanOrEqual(40);
    expect(nodes(consistencyPlan(777_777, 1_000_000))).toBeLessThanOrEqual(40);
  });

  test('consistency proofs refuse sizes that go backwards', () => {
    expect(() => consistencyPlan(5, 4)).toThrow(RangeError);
  });
});
