// `gardien audit verify`'s core: checks an export with no access to the platform. Every leaf hash
// is recomputed from its entry (JCS), every inclusion proof is checked against the tree head, the
// head's signature against the published keys, indexes are contiguous and, unless the export is
// declared partial, reach the end of the tree; with an earlier tree head, the export's first
// leaves must hash to that head's root (the log only grew).
//
// A first pass decides, reading each line once: an export that starts at index 0 is rebuilt as a
// tree, each proof compared with the nodes it names (left siblings at once, right ones when their
// leaves arrive), so a million entries take one hash per leaf and per node rather than a proof's
// twenty. A failing export is read again to name the first index that fails and why.
import { leafHash } from './merkle-hash.js';
import { MemoryMerkleTree, foldRange } from './memory-tree.js';
import { inclusionPlan, rangeNodes, type NodeRef } from './merkle-plan.js';
import { verifyInclusion } from './merkle-verify.js';
import { canonicalBytes } from './canonical-json.js';
import { ExportEntryLineSchema, ExportTreeHeadLineSchema, type ExportEntryLine } from './export-format.js';
import { ExportFormatError, type ExportLineText } from './export-lines.js';
import type { ExportSource } from './export-source.js';
import { TreeHeadSchema, verifyTreeHeadSignature, type PublicJwkSet, type TreeHead } from './tree-head.js';

export const EXPORT_FAILURE_REASONS = ['changed', 'missing', 'inserted', 'reordered', 'truncated', 'bad_signature', 'inconsistent'] as const;
export type ExportFailureReason = (typeof EXPORT_FAILURE_REASONS)[number];

export type ExportVerification =
  | { ok: true; log: string; tree_size: number; from: number | null; to: number | null; entries: number; signature: 'valid' | 'not_checked'; consistent_with: number | null }
  | { ok: false; index: number | null; reason: ExportFailureReason };

export interface VerifyOptions {
  /** The published verification keys; without them the signature is not checked (and the result says so). */
  publicKeys?: PublicJwkSet;
  /** An earlier tree head of the same log: the export must show that the log only grew since. */
  sinceTreeHead?: TreeHead;
  /** The export is a range: it may end before the last leaf of its tree head. */
  partial?: boolean;
}

type Line = { kind: 'entry'; line: ExportEntryLine; leaf: Buffer } | { kind: 'head' };

function parseLine({ number, text }: ExportLineText): Line {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ExportFormatError(`line ${number} is not JSON: not JSON Lines`);
  }
  if (value !== null && typeof value === 'object' && 'tree_head' in value) {
    if (!ExportTreeHeadLineSchema.safeParse(value).success) throw new ExportFormatError(`line ${number} is not a valid tree head`);
    return { kind: 'head' };
  }
  const entry = ExportEntryLineSchema.safeParse(value);
  if (!entry.success) throw new ExportFormatError(`line ${number} is neither an entry line nor a tree head`);
  let canonical: Buffer;
  try {
    canonical = canonicalBytes(entry.data.entry);
  } catch {
    // A number beyond what JSON's doubles hold, a lone surrogate: no entry of the log is made of those.
    throw new ExportFormatError(`line ${number}: the entry has no canonical form (RFC 8785)`);
  }
  return { kind: 'entry', line: entry.data, leaf: leafHash(canonical) };
}

const hexes = (proof: readonly string[]) => proof.map((hash) => Buffer.from(hash, 'hex'));

/** Reads the tree head from the last line, or says how the export ends without one. */
async function treeHeadOf(source: ExportSource): Promise<TreeHead | { truncated: true }> {
  const last = await source.lastLine();
  if (last === undefined) throw new ExportFormatError('the export is empty');
  let value: unknown;
  try {
    value = JSON.parse(last.text);
  } catch {
    // Cut in the middle of a line: the end of an export, lost.
    if (!last.terminated) return { truncated: true };
    throw new ExportFormatError('the last line is not JSON: not JSON Lines');
  }
  const head = ExportTreeHeadLineSchema.safeParse(value);
  if (head.success) return head.data.tree_head;
  if (ExportEntryLineSchema.safeParse(value).success) return { truncated: true };
  throw new ExportFormatError('the last line is neither a tree head nor an entry line');
}

export async function verifyExport(source: ExportSource, options: VerifyOptions = {}): Promise<ExportVerification> {
  const head = await treeHeadOf(source);
  if ('truncated' in head) return { ok: false, index: await indexAfterLastEntry(source), reason: 'truncated' };
  if (options.publicKeys !== undefined && !verifyTreeHeadSignature(head, options.publicKeys)) return { ok: false, index: null, reason: 'bad_signature' };
  const since = options.sinceTreeHead;
  if (since !== undefined) {
    TreeHeadSchema.parse(since);
    if (since.log !== head.log || since.tree_size > head.tree_size) return { ok: false, index: null, reason: 'inconsistent' };
    if (options.publicKeys !== undefined && !verifyTreeHeadSignature(since, options.publicKeys)) return { ok: false, index: null, reason: 'bad_signature' };
  }
  const checked = await quickCheck(source, head, options);
  if (checked === 'needs-diagnosis') return diagnose(source, head, options);
  if (!checked.ok) return checked;
  return { ...checked, signature: options.publicKeys === undefined ? 'not_checked' : 'valid' };
}

type Checked = Omit<Extract<ExportVerification, { ok: true }>, 'signature'> | Extract<ExportVerification, { ok: false }>;

async function quickCheck(source: ExportSource, head: TreeHead, options: VerifyOptions): Promise<Checked | 'needs-diagnosis'> {
  const size = head.tree_size;
  const root = Buffer.from(head.root_hash, 'hex');
  let from: number | null = null;
  let expected = 0;
  let entries = 0;
  let sawHead = false;
  let last: { line: ExportEntryLine; leaf: Buffer } | undefined;
  // Built only for an export from index 0: its proofs are then checked against its own nodes.
  let tree: MemoryMerkleTree | undefined;
  const claims = new Map<string, { hex: string; hi: number }>();
  const claimsEndingAt = new Map<number, string[]>();
  for await (const text of source.lines()) {
    const parsed = parseLine(text);
    if (sawHead) return 'needs-diagnosis';
    if (parsed.kind === 'head') {
      sawHead = true;
      continue;
    }
    const { line, leaf } = parsed;
    if (from === null) {
      from = line.index;
      expected = line.index;
      if (from === 0) tree = new MemoryMerkleTree();
    }
    if (line.index !== expected || line.index >= size || leaf.toString('hex') !== line.leaf_hash) return 'needs-diagnosis';
    if (tree === undefined) {
      if (!verifyInclusion(line.index, size, leaf, hexes(line.inclusion_proof), root)) return 'needs-diagnosis';
    } else {
      tree.append(leaf);
      if (!proofMatchesTree(tree, line, size, claims, claimsEndingAt)) return 'needs-diagnosis';
    }
    last = parsed;
    expected += 1;
    entries += 1;
  }
  if (!sawHead) return 'needs-diagnosis';
  if (last === undefined) return size === 0 || options.partial ? { ok: true, log: head.log, tree_size: size, from: null, to: null, entries: 0, consistent_with: null } : { ok: false, index: 0, reason: 'truncated' };
  if (expected < size && !options.partial) return { ok: false, index: expected, reason: 'truncated' };
  if (tree !== undefined) {
    // A whole tree must have the signed root; a prefix binds what it did not see through its last proof.
    const holds = tree.size === size ? tree.root().equals(root) : verifyInclusion(last.line.index, size, last.leaf, hexes(last.line.inclusion_proof), root);
    if (!holds) return 'needs-diagnosis';
  }
  const consistent = consistencyWith(options.sinceTreeHead, tree);
  if (consistent === 'inconsistent') return { ok: false, index: null, reason: 'inconsistent' };
  return { ok: true, log: head.log, tree_size: size, from, to: expected - 1, entries, consistent_with: consistent };
}

/**
 * Compares each element of an entry's proof with the tree being rebuilt: a sibling to the left is
 * a node already built; one to the right is remembered (one claim per range, however many entries
 * make it) and compared once its last leaf has arrived.
 */
function proofMatchesTree(tree: MemoryMerkleTree, line: ExportEntryLine, size: number, claims: Map<string, { hex: string; hi: number }>, endingAt: Map<number, string[]>): boolean {
  const plan = inclusionPlan(line.index, size);
  if (plan.length !== line.inclusion_proof.length) return false;
  for (let i = 0; i < plan.length; i += 1) {
    const refs = plan[i]!;
    const claimed = line.inclusion_proof[i]!;
    const hi = rangeEnd(refs);
    if (hi <= tree.size) {
      if (foldRange(refs.map((ref) => tree.node(ref))).toString('hex') !== claimed) return false;
      continue;
    }
    const key = `${refs[0]!.level}:${refs[0]!.index}:${hi}`;
    const earlier = claims.get(key);
    if (earlier === undefined) {
      claims.set(key, { hex: claimed, hi });
      endingAt.set(hi, [...(endingAt.get(hi) ?? []), key]);
    } else if (earlier.hex !== claimed) return false;
  }
  for (const key of endingAt.get(tree.size) ?? []) {
    const [level, index] = key.split(':').map(Number);
    const lo = index! * 2 ** level!;
    if (foldRange(rangeNodes(lo, tree.size).map((ref) => tree.node(ref))).toString('hex') !== claims.get(key)!.hex) return false;
    claims.delete(key);
  }
  endingAt.delete(tree.size);
  return true;
}

function rangeEnd(refs: readonly NodeRef[]): number {
  const last = refs[refs.length - 1]!;
  return (last.index + 1) * 2 ** last.level;
}

function consistencyWith(since: TreeHead | undefined, tree: MemoryMerkleTree | undefined): number | null | 'inconsistent' {
  if (since === undefined) return null;
  if (tree === undefined || tree.size < since.tree_size) throw new ExportFormatError(`checking consistency with a tree head of ${since.tree_size} entries takes an export from index 0 that holds them`);
  return tree.root(since.tree_size).toString('hex') === since.root_hash ? since.tree_size : 'inconsistent';
}

async function indexAfterLastEntry(source: ExportSource): Promise<number> {
  let next = 0;
  for await (const text of source.lines()) {
    if (!text.terminated) break;
    const parsed = parseLine(text);
    if (parsed.kind === 'entry') next = parsed.line.index + 1;
  }
  return next;
}

/** Names the first index at which an export that failed the quick check goes wrong, and how. */
async function diagnose(source: ExportSource, head: TreeHead, options: VerifyOptions): Promise<Extract<ExportVerification, { ok: false }>> {
  const size = head.tree_size;
  const root = Buffer.from(head.root_hash, 'hex');
  // What the export claims: the index of each entry line in file order, and whose leaf hash is whose.
  const order: number[] = [];
  const claimedLeaves = new Map<string, number>();
  for await (const text of source.lines()) {
    const parsed = parseLine(text);
    if (parsed.kind === 'entry') {
      order.push(parsed.line.index);
      claimedLeaves.set(parsed.line.leaf_hash, parsed.line.index);
    } else order.push(-1);
  }
  const provesAt = (entry: { line: ExportEntryLine; leaf: Buffer }, index: number) => verifyInclusion(index, size, entry.leaf, hexes(entry.line.inclusion_proof), root);
  let expected: number | null = null;
  const seen = new Set<number>();
  let position = 0;
  let previous: { line: ExportEntryLine; leaf: Buffer } | undefined;
  let current: { line: ExportEntryLine; leaf: Buffer } | undefined;
  const lines = source.lines()[Symbol.asyncIterator]();
  // One line of lookahead: a line that belongs one place later is a deletion unless the next one belongs one place earlier.
  const nextEntry = async (): Promise<{ line: ExportEntryLine; leaf: Buffer } | 'head' | undefined> => {
    const next = await lines.next();
    if (next.done === true) return undefined;
    const parsed = parseLine(next.value);
    return parsed.kind === 'entry' ? parsed : 'head';
  };
  let upcoming = await nextEntry();
  while (upcoming !== undefined) {
    const here = upcoming;
    upcoming = await nextEntry();
    const isLastLine = upcoming === undefined;
    if (here === 'head') {
      if (isLastLine) break;
      return { ok: false, index: expected ?? 0, reason: 'inserted' };
    }
    current = here;
    const index = current.line.index;
    expected ??= index;
    if (index > expected) return { ok: false, index: expected, reason: order.slice(position + 1).includes(expected) ? 'reordered' : 'missing' };
    if (index < expected) return { ok: false, index, reason: seen.has(index) ? 'inserted' : 'reordered' };
    if (index >= size) return { ok: false, index, reason: 'inserted' };
    if (current.leaf.toString('hex') !== current.line.leaf_hash) {
      const owner = claimedLeaves.get(current.leaf.toString('hex'));
      return { ok: false, index, reason: owner !== undefined && owner !== index ? 'reordered' : 'changed' };
    }
    if (!provesAt(current, index)) {
      const following = upcoming !== undefined && upcoming !== 'head' ? upcoming : undefined;
      if (index + 1 < size && provesAt(current, index + 1)) return { ok: false, index, reason: following !== undefined && provesAt(following, index) ? 'reordered' : 'missing' };
      if (index > 0 && provesAt(current, index - 1)) return { ok: false, index, reason: 'reordered' };
      if (following !== undefined && following.line.index === index + 1 && provesAt(following, index)) return { ok: false, index, reason: 'inserted' };
      return { ok: false, index, reason: 'changed' };
    }
    seen.add(index);
    previous = current;
    expected += 1;
    position += 1;
  }
  if (previous !== undefined && expected !== null && expected < size && !options.partial) return { ok: false, index: expected, reason: 'truncated' };
  // Every line holds: what failed is the tree as a whole (a proof that does not match the rebuilt nodes) or its history.
  return { ok: false, index: null, reason: options.sinceTreeHead !== undefined ? 'inconsistent' : 'changed' };
}
