// The verification algorithms of RFC 9162, sections 2.1.3.2 (inclusion) and 2.1.4.2 (consistency),
// written from the RFC and independent of how proofs are made (merkle-plan.ts): what an auditor's
// verifier runs. Sizes are counts below 2^53; shifts are divisions, as JavaScript's bit operators
// stop at 32 bits.
import { HASH_BYTES, nodeHash } from './merkle-hash.js';

const isOdd = (n: number) => n % 2 === 1;
const half = (n: number) => Math.floor(n / 2);
const isHash = (value: Uint8Array) => value.length === HASH_BYTES;

/** Both RFC algorithms' "right-shift fn and sn equally until either LSB(fn) is set or fn is 0". */
function climbToRightChild(fn: number, sn: number): [number, number] {
  while (!isOdd(fn) && fn !== 0) {
    fn = half(fn);
    sn = half(sn);
  }
  return [fn, sn];
}

/** The root that an inclusion proof of `leaf` at `index` leads to in a tree of `size` leaves, or undefined if it leads nowhere. */
export function rootFromInclusionProof(index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[]): Buffer | undefined {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return undefined;
  if (!isHash(leaf) || !proof.every(isHash)) return undefined;
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leaf);
  for (const p of proof) {
    if (sn === 0) return undefined;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      [fn, sn] = climbToRightChild(fn, sn);
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : undefined;
}

/** Whether `proof` proves `leaf` at `index` in the tree of `size` leaves whose root is `root`. */
export function verifyInclusion(index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  const computed = rootFromInclusionProof(index, size, leaf, proof);
  return computed !== undefined && isHash(root) && computed.equals(root);
}

/** Whether `proof` proves that the tree of `first` leaves with root `firstRoot` is a prefix of the tree of `second` leaves with root `secondRoot`. */
export function verifyConsistency(first: number, second: number, firstRoot: Uint8Array, secondRoot: Uint8Array, proof: readonly Uint8Array[]): boolean {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || first > second) return false;
  if (!proof.every(isHash)) return false;
  // Every tree extends the empty one, and a tree only itself; neither takes a proof.
  if (first === 0) return proof.length === 0;
  if (first === second) return proof.length === 0 && isHash(firstRoot) && Buffer.from(firstRoot).equals(secondRoot);
  if (!isHash(firstRoot) || !isHash(secondRoot) || proof.length === 0) return false;
  const path = Number.isInteger(Math.log2(first)) ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Buffer = Buffer.from(path[0]!);
  let sr: Buffer = Buffer.from(path[0]!);
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      [fn, sn] = climbToRightChild(fn, sn);
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && fr.equals(firstRoot) && sr.equals(secondRoot);
}
