// The export of a log held in memory, line for line as the audit service writes one: for tests of
// the verifier and of `gardien audit verify`, and for anyone who wants to see the format made.
import type { KeyObject } from 'node:crypto';
import { canonicalBytes } from './canonical-json.js';
import { exportEntryLine, exportTreeHeadLine } from './export-format.js';
import { leafHash } from './merkle-hash.js';
import { MemoryMerkleTree } from './memory-tree.js';
import { signTreeHead, type TreeHead } from './tree-head.js';

export interface MemoryExport {
  /** Each line with its LF, the tree head last. */
  lines: string[];
  head: TreeHead;
  tree: MemoryMerkleTree;
}

export interface MemoryExportInput {
  log: string;
  entries: readonly unknown[];
  privateKey: KeyObject;
  keyId: string;
  timestamp: string;
  /** The entries exported, by index (default: all of them). */
  range?: { from: number; to: number };
}

export function memoryExport({ log, entries, privateKey, keyId, timestamp, range = { from: 0, to: entries.length - 1 } }: MemoryExportInput): MemoryExport {
  const canonical = entries.map((entry) => canonicalBytes(entry));
  const tree = new MemoryMerkleTree();
  for (const bytes of canonical) tree.append(leafHash(bytes));
  const head = signTreeHead({ log, tree_size: entries.length, root_hash: tree.root().toString('hex'), timestamp, key_id: keyId }, privateKey);
  const lines: string[] = [];
  for (let i = range.from; i <= range.to; i++) lines.push(exportEntryLine(i, canonical[i]!.toString('utf8'), leafHash(canonical[i]!), tree.inclusionProof(i)));
  lines.push(exportTreeHeadLine(head));
  return { lines, head, tree };
}
