// Exports made as the audit service makes them, for the verifier's tests, and the ways someone
// holding the file could tamper with one: each kind a function of the export's lines and of the
// entry it starts at.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { canonicalBytes, canonicalText } from '../canonical-json.js';
import { memoryExport, type MemoryExport } from '../memory-export.js';
import { leafHash } from '../merkle-hash.js';
import { exportTreeHeadLine } from '../export-format.js';
import { publicJwkOf, signTreeHead, type PublicJwkSet, type TreeHead } from '../tree-head.js';

export const { privateKey } = generateKeyPairSync('ed25519');
/** A key that is not the log's: what it signs must not pass for a tree head of the log. */
const { privateKey: anotherKey } = generateKeyPairSync('ed25519');
export const KEYS: PublicJwkSet = { keys: [publicJwkOf(privateKey, 'audit-2026-12')] };
export const LOG = randomUUID();

const uuidOf = (kind: number, i: number) => `0000000${kind}-0000-4000-8000-${String(i).padStart(12, '0')}`;

/** The same entries in every export made here, so that two exports are two states of one log. */
export function entryNumber(i: number): Record<string, unknown> {
  return { id: uuidOf(0, i), ts: new Date(Date.UTC(2026, 11, 2, 0, 0, i)).toISOString(), tenant: LOG, service: 'auth', actor: { type: 'user', id: uuidOf(1, i) }, action: 'login.succeeded', target: { type: 'session', id: uuidOf(2, i) }, outcome: 'success', metadata: { durationMs: i } };
}

/** An export of `count` entries (or the range [from, to] of them), its last line the signed head. */
export function makeExport(count: number, range?: { from: number; to: number }): MemoryExport {
  const entries = Array.from({ length: count }, (_, i) => entryNumber(i));
  return memoryExport({ log: LOG, entries, privateKey, keyId: 'audit-2026-12', timestamp: '2026-12-02T10:00:00Z', ...(range ? { range } : {}) });
}

export interface EntryLine {
  index: number;
  entry: Record<string, unknown>;
  leaf_hash: string;
  inclusion_proof: string[];
}

export const parse = (line: string) => JSON.parse(line) as EntryLine;
/** An entry line written as the service writes one (whatever was forged in it). */
export const write = (line: EntryLine) => `{"index":${line.index},"entry":${canonicalText(line.entry)},"leaf_hash":"${line.leaf_hash}","inclusion_proof":${JSON.stringify(line.inclusion_proof)}}\n`;
const rehashed = (line: EntryLine): EntryLine => ({ ...line, leaf_hash: leafHash(canonicalBytes(line.entry)).toString('hex') });

/** `lines`: an export's lines, the tree head last; `at`: an entry's position in them. Each returns a new array. */
export type Tampering = (lines: readonly string[], at: number) => string[];

const entries = (lines: readonly string[]) => lines.length - 1;
/** A position after `at` (the last entry's when there is none). */
const later = (lines: readonly string[], at: number) => Math.min(at + 1 + (at % 3), entries(lines) - 1);
const renumbered = (lines: string[], from: number) => lines.map((line, i) => (i >= from && i < entries(lines) ? write({ ...parse(line), index: i }) : line));
const withLine = (lines: readonly string[], at: number, line: string) => lines.map((each, i) => (i === at ? line : each));
const swapped = (lines: readonly string[], a: number, b: number) => lines.map((line, i) => (i === a ? lines[b]! : i === b ? lines[a]! : line));
const withHead = (lines: readonly string[], head: string) => [...lines.slice(0, -1), head];

export const TAMPERINGS: Record<string, Tampering> = {
  'an entry edited': (lines, at) => withLine(lines, at, write({ ...parse(lines[at]!), entry: { ...parse(lines[at]!).entry, outcome: 'failure' } })),
  'an entry edited, its leaf hash recomputed': (lines, at) => withLine(lines, at, write(rehashed({ ...parse(lines[at]!), entry: entryNumber(1000 + at) }))),
  'an entry rewritten with spaces': (lines, at) => withLine(lines, at, lines[at]!.replace('"action":', ' "action" : ')),
  'the last element of a proof changed': (lines, at) => {
    const line = parse(lines[at]!);
    return withLine(lines, at, write({ ...line, inclusion_proof: [...line.inclusion_proof.slice(0, -1), 'ab'.repeat(32)] }));
  },
  'the first element of a proof changed': (lines, at) => {
    const line = parse(lines[at]!);
    return withLine(lines, at, write({ ...line, inclusion_proof: ['cd'.repeat(32), ...line.inclusion_proof.slice(1)] }));
  },
  'an entry deleted': (lines, at) => lines.filter((_, i) => i !== at),
  'an entry deleted, the indexes after it renumbered': (lines, at) => renumbered(lines.filter((_, i) => i !== at), at),
  'an entry inserted under an existing index': (lines, at) => [...lines.slice(0, at + 1), write(rehashed({ ...parse(lines[at]!), entry: entryNumber(99) })), ...lines.slice(at + 1)],
  'an entry inserted, the indexes after it renumbered': (lines, at) => renumbered([...lines.slice(0, at), write(rehashed({ ...parse(lines[at]!), entry: entryNumber(99) })), ...lines.slice(at)], at + 1),
  'two lines swapped': (lines, at) => swapped(lines, at, later(lines, at)),
  'two entries swapped under their indexes': (lines, at) => {
    const other = later(lines, at);
    return withLine(withLine(lines, at, write({ ...parse(lines[other]!), index: at })), other, write({ ...parse(lines[at]!), index: other }));
  },
  'two entries swapped, their leaf hashes left': (lines, at) => {
    const other = later(lines, at);
    const [a, b] = [parse(lines[at]!), parse(lines[other]!)];
    return withLine(withLine(lines, at, write({ ...a, entry: b.entry })), other, write({ ...b, entry: a.entry }));
  },
  'cut after an entry, the tree head lost': (lines, at) => lines.slice(0, at),
  'cut in the middle of a line': (lines, at) => [...lines.slice(0, at), lines[at]!.slice(0, 100)],
  'the first entries removed': (lines, at) => lines.slice(at + 1),
  'the last entries removed, the tree head kept': (lines, at) => [...lines.slice(0, at), lines[lines.length - 1]!],
  'an entry appended after the tree head': (lines, at) => [...lines, lines[at]!],
  'a line of garbage': (lines, at) => [...lines.slice(0, at), 'not json\n', ...lines.slice(at)],
  'the tree head signed with another key': (lines) => {
    const { log, tree_size, root_hash, timestamp, key_id } = (JSON.parse(lines[lines.length - 1]!) as { tree_head: TreeHead }).tree_head;
    return withHead(lines, exportTreeHeadLine(signTreeHead({ log, tree_size, root_hash, timestamp, key_id }, anotherKey)));
  },
  // Signed by the log's key, but for the log as it was: every entry from `at` on is one too many.
  "the log's tree head from when it was smaller": (lines, at) => withHead(lines, makeExport(at + 1).lines[at + 1]!),
};
