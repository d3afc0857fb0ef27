// `gardien audit verify`'s core: checks an export with no access to the platform. Every leaf hash
// is recomputed from its entry (JCS), every inclusion proof is checked against the tree head, the
// head's signature against the published keys, indexes are contiguous and, unless the export is
// declared partial, reach the end of the tree; with an earlier tree head, the export's first
// leaves must hash to that head's root (the log only grew).
//
// A first pass decides, reading each line once: an export that starts at index 0 is rebuilt as a
// tree, each proof compared with the nodes it names (left siblings at once, right ones when their
// leaves arrive), so a million entries take one hash per leaf and per node rather than a proof's
// twenty. A large whole export read from a file takes that pass as the two halves of its tree at
// once, in two threads (export-halves.ts); if they do not both hold, the single pass reads it
// again. A failing export is read again to name the first index that fails and why.
import { leafHash } from './merkle-hash.js';
import type { MemoryMerkleTree } from './memory-tree.js';
import { verifyInclusion } from './merkle-verify.js';
import { canonicalBytes } from './canonical-json.js';
import { ExportEntryLineSchema, ExportTreeHeadLineSchema, exportTreeHeadLine } from './export-format.js';
import { ExportFormatError, lineText, type ExportLine, type ExportLineText } from './export-lines.js';
import { RebuiltTree } from './rebuilt-tree.js';
import { writtenEntryLine, type ProofBytes } from './written-entry-line.js';
import { claimedLeafOf, entryObject } from './entry-leaf.js';
import type { HalfCheck } from './export-half.js';
import { holdsInHalves, inWorkerThread } from './export-halves.js';
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
  /** From which tree size, and how, a whole export read from a file is checked in two halves at once (default: in worker threads, from HALVES_FROM_TREE_SIZE). */
  halves?: { fromTreeSize: number; check: HalfCheck };
}

/** Below this, two threads save little: at 65,536 entries they were even with the single pass (0.8 s) on a 2-core machine other work kept busy. */
export const HALVES_FROM_TREE_SIZE = 65_536;

/** An entry line as the diagnosis reads it: what it claims, and the leaf hash of its entry as recomputed from its JSON. */
interface EntryLine {
  index: number;
  claimedLeaf: string;
  proof: Buffer[];
  leaf: Buffer;
  /** Whether the entry is written in the canonical form that is hashed: what a reader sees is what was signed. */
  canonical: boolean;
}
type Line = ({ kind: 'entry' } & EntryLine) | { kind: 'head' };

/**
 * A line that is not an entry line as the service writes it: a tree head (checked to be written as
 * the service writes it too), or not part of an export. A line spelt otherwise (a key twice, spaces,
 * another order) could show a reader something else than what the verifier checks: refused.
 */
function headLine({ number, text }: ExportLineText): 'head' {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ExportFormatError(`line ${number} is not JSON: not JSON Lines`);
  }
  const head = ExportTreeHeadLineSchema.safeParse(value);
  if (head.success && writtenHead(head.data.tree_head, text)) return 'head';
  if (head.success) throw new ExportFormatError(`line ${number}: the tree head is not written as the audit service writes it`);
  throw new ExportFormatError(`line ${number} is not an entry line or a tree head as the audit service writes them`);
}

/** Whether `text` is the line the service writes for `head` (its fields in order, each once). */
function writtenHead(head: TreeHead, text: string): boolean {
  return exportTreeHeadLine(head) === `${text}\n`;
}

/** A line read whole, for the diagnosis: its entry parsed as JSON and hashed in its canonical form. */
function parseLine(line: ExportLine): Line {
  const written = writtenEntryLine(line.bytes);
  const entry = written === undefined ? undefined : entryObject(written.entry);
  const proof = written?.proof.hashes();
  if (written === undefined || entry === undefined || proof === undefined) {
    headLine(lineText(line));
    return { kind: 'head' };
  }
  let canonical: Buffer;
  try {
    canonical = canonicalBytes(entry);
  } catch {
    // A number beyond what JSON's doubles hold, a lone surrogate: no entry of the log is made of those.
    throw new ExportFormatError(`line ${line.number}: the entry has no canonical form (RFC 8785)`);
  }
  return { kind: 'entry', index: written.index, claimedLeaf: written.claimedLeaf, proof, leaf: leafHash(canonical), canonical: canonical.equals(written.entry) };
}

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
  if (head.success && !writtenHead(head.data.tree_head, last.text)) throw new ExportFormatError('the tree head is not written as the audit service writes it');
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
  const checked = (await checkedInHalves(source, head, options)) ?? (await quickCheck(source, head, options));
  if (checked === 'needs-diagnosis') return diagnose(source, head, options);
  if (!checked.ok) return checked;
  return { ...checked, signature: options.publicKeys === undefined ? 'not_checked' : 'valid' };
}

type Checked = Omit<Extract<ExportVerification, { ok: true }>, 'signature'> | Extract<ExportVerification, { ok: false }>;

/**
 * The verdict on a whole export read from a file, when its two halves both hold; undefined when
 * they do not, or when it is not such an export: a range (--partial) holds no half of the tree, and
 * an earlier tree head takes the first leaves' tree, which only the single pass rebuilds.
 */
async function checkedInHalves(source: ExportSource, head: TreeHead, options: VerifyOptions): Promise<Checked | undefined> {
  const { fromTreeSize, check } = options.halves ?? { fromTreeSize: HALVES_FROM_TREE_SIZE, check: inWorkerThread() };
  const size = head.tree_size;
  if (source.path === undefined || size < Math.max(2, fromTreeSize) || options.partial === true || options.sinceTreeHead !== undefined) return undefined;
  if (!(await holdsInHalves(source.path, head, options.publicKeys === undefined, check))) return undefined;
  return { ok: true, log: head.log, tree_size: size, from: 0, to: size - 1, entries: size, consistent_with: null };
}

async function quickCheck(source: ExportSource, head: TreeHead, options: VerifyOptions): Promise<Checked | 'needs-diagnosis'> {
  const size = head.tree_size;
  const root = Buffer.from(head.root_hash, 'hex');
  const canonical = options.publicKeys === undefined;
  let from: number | null = null;
  let expected = 0;
  let entries = 0;
  let sawHead = false;
  let last: { index: number; leaf: Buffer; proof: ProofBytes } | undefined;
  // Built only for an export from index 0: its proofs are then checked against its own nodes.
  let rebuilt: RebuiltTree | undefined;
  for await (const line of source.lines()) {
    const written = writtenEntryLine(line.bytes);
    if (written === undefined) headLine(lineText(line));
    if (sawHead) return 'needs-diagnosis';
    if (written === undefined) {
      sawHead = true;
      continue;
    }
    if (from === null) {
      from = written.index;
      expected = written.index;
      if (from === 0) rebuilt = new RebuiltTree(size);
    }
    if (written.index !== expected || written.index >= size) return 'needs-diagnosis';
    const leaf = claimedLeafOf(written, { canonical });
    if (leaf === undefined) return 'needs-diagnosis';
    if (rebuilt === undefined ? !includes(written.index, size, leaf, written.proof, root) : !rebuilt.appendChecking(leaf, written.proof)) return 'needs-diagnosis';
    last = { index: written.index, leaf, proof: written.proof };
    expected += 1;
    entries += 1;
  }
  if (!sawHead) return 'needs-diagnosis';
  if (last === undefined) return size === 0 || options.partial ? { ok: true, log: head.log, tree_size: size, from: null, to: null, entries: 0, consistent_with: null } : { ok: false, index: 0, reason: 'truncated' };
  if (expected < size && !options.partial) return { ok: false, index: expected, reason: 'truncated' };
  // A whole export starts at the first entry: one that starts later lost its first ones.
  if (from !== 0 && !options.partial) return { ok: false, index: 0, reason: 'missing' };
  if (rebuilt !== undefined) {
    // A whole tree must have the signed root; a prefix binds what it did not see through its last proof.
    const holds = rebuilt.tree.size === size ? rebuilt.tree.root().equals(root) : includes(last.index, size, last.leaf, last.proof, root);
    if (!holds) return 'needs-diagnosis';
  }
  const consistent = consistencyWith(options.sinceTreeHead, rebuilt?.tree);
  if (consistent === 'inconsistent') return { ok: false, index: null, reason: 'inconsistent' };
  return { ok: true, log: head.log, tree_size: size, from, to: expected - 1, entries, consistent_with: consistent };
}

function includes(index: number, size: number, leaf: Buffer, proof: ProofBytes, root: Buffer): boolean {
  const hashes = proof.hashes();
  return hashes !== undefined && verifyInclusion(index, size, leaf, hashes, root);
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
    if (parsed.kind === 'entry') next = parsed.index + 1;
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
      order.push(parsed.index);
      claimedLeaves.set(parsed.claimedLeaf, parsed.index);
    } else order.push(-1);
  }
  const provesAt = (entry: EntryLine, index: number) => verifyInclusion(index, size, entry.leaf, entry.proof, root);
  let expected: number | null = null;
  const seen = new Set<number>();
  let position = 0;
  let previous: EntryLine | undefined;
  let current: EntryLine | undefined;
  const lines = source.lines()[Symbol.asyncIterator]();
  // One line of lookahead: a line that belongs one place later is a deletion unless the next one belongs one place earlier.
  const nextEntry = async (): Promise<EntryLine | 'head' | undefined> => {
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
    const index = current.index;
    expected ??= index;
    if (index > expected) return { ok: false, index: expected, reason: order.slice(position + 1).includes(expected) ? 'reordered' : 'missing' };
    if (index < expected) return { ok: false, index, reason: seen.has(index) ? 'inserted' : 'reordered' };
    if (index >= size) return { ok: false, index, reason: 'inserted' };
    if (!current.canonical) return { ok: false, index, reason: 'changed' };
    if (current.leaf.toString('hex') !== current.claimedLeaf) {
      const owner = claimedLeaves.get(current.leaf.toString('hex'));
      return { ok: false, index, reason: owner !== undefined && owner !== index ? 'reordered' : 'changed' };
    }
    if (!provesAt(current, index)) {
      const following = upcoming !== undefined && upcoming !== 'head' ? upcoming : undefined;
      if (index + 1 < size && provesAt(current, index + 1)) return { ok: false, index, reason: following !== undefined && provesAt(following, index) ? 'reordered' : 'missing' };
      if (index > 0 && provesAt(current, index - 1)) return { ok: false, index, reason: 'reordered' };
      if (following !== undefined && following.index === index + 1 && provesAt(following, index)) return { ok: false, index, reason: 'inserted' };
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
