// The export of a log, JSON Lines (a public contract: auditors' own scripts read it): one line per
// entry, `{"index", "entry", "leaf_hash", "inclusion_proof"}` in index order, then one line
// `{"tree_head": {...}}` against which every inclusion proof holds.
import { z } from 'zod';
import { HASH_BYTES } from './merkle-hash.js';
import { MAX_PROOF_LENGTH } from './merkle-plan.js';
import { TreeHeadSchema, type TreeHead } from './tree-head.js';

const HexHash = z.string().regex(/^[0-9a-f]{64}$/);

export const ExportEntryLineSchema = z
  .object({
    index: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    entry: z.record(z.string(), z.unknown()),
    leaf_hash: HexHash,
    inclusion_proof: z.array(HexHash).max(MAX_PROOF_LENGTH),
  })
  .strict();
export type ExportEntryLine = z.infer<typeof ExportEntryLineSchema>;

export const ExportTreeHeadLineSchema = z.object({ tree_head: TreeHeadSchema }).strict();

/** One entry's line, from the entry's JCS text (as hashed), its leaf hash and its proof. */
export function exportEntryLine(index: number, canonicalEntry: string, leaf: Uint8Array, proof: readonly Uint8Array[]): string {
  if (leaf.length !== HASH_BYTES) throw new RangeError('a leaf hash is 32 bytes');
  const hashes = proof.map((hash) => `"${Buffer.from(hash).toString('hex')}"`).join(',');
  return `{"index":${index},"entry":${canonicalEntry},"leaf_hash":"${Buffer.from(leaf).toString('hex')}","inclusion_proof":[${hashes}]}\n`;
}

export function exportTreeHeadLine(head: TreeHead): string {
  return `${JSON.stringify({ tree_head: head })}\n`;
}
