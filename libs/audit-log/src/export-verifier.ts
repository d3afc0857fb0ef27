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
import { rangeNodes, splitPoint } from './merkle-plan.js';
import { verifyInclusion } from './merkle-verify.js';
import { canonicalBytes } from './canonical-json.js';
import { ExportEntryLineSchema, ExportTreeHeadLineSchema, exportTreeHeadLine } from './export-format.js';
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

/**
 * An inclusion proof as written: `"<hex>","<hex>",...`, read in place (a million lines of twenty
 * hashes would otherwise be twenty million strings).
 */
class ProofText {
  readonly length: number;

  constructor(private readonly text: string) {
    this.length = text === '' ? 0 : (text.length + 1) / 67;
  }

  static of(hashes: readonly string[]): ProofText {
    return new ProofText(hashes.map((hash) => `"${hash}"`).join(','));
  }

  /** Whether element `i` is `hex`, compared where it is written. */
  is(i: number, hex: string): boolean {
    return this.text.startsWith(hex, i * 67 + 1);
  }

  at(i: number): string {
    return this.text.slice(i * 67 + 1, i * 67 + 65);
  }

  hashes(): Buffer[] {
    return Array.from({ length: this.length }, (_, i) => Buffer.from(this.at(i), 'hex'));
  }
}

/** An entry line as the verifier keeps it: what it claims, and the leaf hash of its entry as recomputed. */
interface EntryLine {
  index: number;
  claimedLeaf: string;
  proof: ProofText;
  leaf: Buffer;
  /** Whether the entry is written in the canonical form that is hashed: what a reader sees is what was signed. */
  canonical: boolean;
}
type Line = ({ kind: 'entry' } & EntryLine) | { kind: 'head' };
type ClaimedEntry = { index: number; entry: unknown; entryText: string; claimedLeaf: string; proof: ProofText };

const LINE_START = '{"index":';
const ENTRY_KEY = ',"entry":';
const LEAF_KEY = ',"leaf_hash":"';
/** What follows the entry, anchored at its start and its end: no backtracking over the line. */
const WRITTEN_SUFFIX = /^,"leaf_hash":"([0-9a-f]{64})","inclusion_proof":\[((?:"[0-9a-f]{64}")(?:,"[0-9a-f]{64}"){0,63})?\]\}$/;

/**
 * An entry line exactly as the audit service writes it, read without parsing its proof as JSON;
 * any other spelling of the same line (spaces, another key order) takes the full parser and the
 * schema, with the same result.
 */
function writtenEntryLine(text: string): ClaimedEntry | undefined {
  if (!text.startsWith(LINE_START)) return undefined;
  const entryKey = text.indexOf(ENTRY_KEY, LINE_START.length);
  const leafKey = text.lastIndexOf(LEAF_KEY);
  if (entryKey === -1 || leafKey < entryKey) return undefined;
  const digits = text.slice(LINE_START.length, entryKey);
  if (!/^(?:0|[1-9][0-9]{0,15})$/.test(digits)) return undefined;
  const index = Number(digits);
  const suffix = WRITTEN_SUFFIX.exec(text.slice(leafKey));
  if (!Number.isSafeInteger(index) || suffix === null) return undefined;
  const entryText = text.slice(entryKey + ENTRY_KEY.length, leafKey);
  let entry: unknown;
  try {
    entry = JSON.parse(entryText);
  } catch {
    return undefined;
  }
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return undefined;
  return { index, entry, entryText, claimedLeaf: suffix[1]!, proof: new ProofText(suffix[2] ?? '') };
}

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

function parseLine(text: ExportLineText): Line {
  const line = writtenEntryLine(text.text) ?? headLine(text);
  if (line === 'head') return { kind: 'head' };
  let canonical: Buffer;
  try {
    canonical = canonicalBytes(line.entry);
  } catch {
    // A number beyond what JSON's doubles hold, a lone surrogate: no entry of the log is made of those.
    throw new ExportFormatError(`line ${text.number}: the entry has no canonical form (RFC 8785)`);
  }
  return { kind: 'entry', index: line.index, claimedLeaf: line.claimedLeaf, proof: line.proof, leaf: leafHash(canonical), canonical: canonical.toString('utf8') === line.entryText };
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
  let last: EntryLine | undefined;
  // Built only for an export from index 0: its proofs are then checked against its own nodes.
  let rebuilt: RebuiltTree | undefined;
  for await (const text of source.lines()) {
    const line = parseLine(text);
    if (sawHead) return 'needs-diagnosis';
    if (line.kind === 'head') {
      sawHead = true;
      continue;
    }
    if (from === null) {
      from = line.index;
      expected = line.index;
      if (from === 0) rebuilt = new RebuiltTree(size);
    }
    if (line.index !== expected || line.index >= size || !line.canonical || line.leaf.toString('hex') !== line.claimedLeaf) return 'needs-diagnosis';
    if (rebuilt === undefined ? !verifyInclusion(line.index, size, line.leaf, line.proof.hashes(), root) : !rebuilt.appendChecking(line)) return 'needs-diagnosis';
    last = line;
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
    const holds = rebuilt.tree.size === size ? rebuilt.tree.root().equals(root) : verifyInclusion(last.index, size, last.leaf, last.proof.hashes(), root);
    if (!holds) return 'needs-diagnosis';
  }
  const consistent = consistencyWith(options.sinceTreeHead, rebuilt?.tree);
  if (consistent === 'inconsistent') return { ok: false, index: null, reason: 'inconsistent' };
  return { ok: true, log: head.log, tree_size: size, from, to: expected - 1, entries, consistent_with: consistent };
}

/**
 * The tree of an export from index 0, rebuilt leaf by leaf, each proof compared with it: a sibling
 * to the left is a node already built; one to the right (always a right child, so named by its
 * first leaf) is remembered once, however many proofs hold it, and compared when its last leaf
 * has arrived. One hash per leaf and per node, rather than a proof's twenty per entry.
 */
class RebuiltTree {
  readonly tree = new MemoryMerkleTree();
  /** Claimed hashes of ranges to the right, by first leaf; and the first leaves of those ending at each size. */
  private readonly claims = new Map<number, string>();
  private readonly endingAt = new Map<number, number[]>();
  /** The hex of the last node read at each level: consecutive entries share their left siblings. */
  private readonly hexCache: Array<{ index: number; hex: string } | undefined> = [];
  private readonly siblingsLo: number[] = [];
  private readonly siblingsHi: number[] = [];

  constructor(private readonly size: number) {}

  appendChecking(line: EntryLine): boolean {
    this.tree.append(line.leaf);
    const count = this.siblingsOf(line.index);
    if (count !== line.proof.length) return false;
    for (let step = 0; step < count; step += 1) {
      // Found from the root down; the proof lists them from the leaf up.
      const lo = this.siblingsLo[count - 1 - step]!;
      const hi = this.siblingsHi[count - 1 - step]!;
      if (hi <= this.tree.size) {
        if (!line.proof.is(step, this.completeNodeHex(lo, hi))) return false;
        continue;
      }
      const earlier = this.claims.get(lo);
      if (earlier === undefined) {
        this.claims.set(lo, line.proof.at(step));
        const ending = this.endingAt.get(hi);
        if (ending === undefined) this.endingAt.set(hi, [lo]);
        else ending.push(lo);
      } else if (!line.proof.is(step, earlier)) return false;
    }
    const resolved = this.endingAt.get(this.tree.size);
    if (resolved === undefined) return true;
    this.endingAt.delete(this.tree.size);
    for (const lo of resolved) {
      const actual = foldRange(rangeNodes(lo, this.tree.size).map((ref) => this.tree.node(ref))).toString('hex');
      if (actual !== this.claims.get(lo)) return false;
      this.claims.delete(lo);
    }
    return true;
  }

  /** The siblings of leaf `index` as ranges [lo, hi), from the root down, as RFC 9162's PATH finds them; returns how many. */
  private siblingsOf(index: number): number {
    let lo = 0;
    let hi = this.size;
    let count = 0;
    while (hi - lo > 1) {
      const k = splitPoint(hi - lo);
      if (index < lo + k) {
        this.siblingsLo[count] = lo + k;
        this.siblingsHi[count] = hi;
        hi = lo + k;
      } else {
        this.siblingsLo[count] = lo;
        this.siblingsHi[count] = lo + k;
        lo += k;
      }
      count += 1;
    }
    return count;
  }

  /** A sibling to the left is always a complete subtree: one stored node. */
  private completeNodeHex(lo: number, hi: number): string {
    const level = Math.log2(hi - lo);
    const index = lo / (hi - lo);
    const cached = this.hexCache[level];
    if (cached?.index === index) return cached.hex;
    const hex = this.tree.node({ level, index }).toString('hex');
    this.hexCache[level] = { index, hex };
    return hex;
  }
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
  const provesAt = (entry: EntryLine, index: number) => verifyInclusion(index, size, entry.leaf, entry.proof.hashes(), root);
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
