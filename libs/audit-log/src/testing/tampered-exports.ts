// Exports made as the audit service makes them, for the verifier's tests, and lines forged in them.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { canonicalText } from '../canonical-json.js';
import { memoryExport, type MemoryExport } from '../memory-export.js';
import { publicJwkOf, type PublicJwkSet } from '../tree-head.js';

export const { privateKey } = generateKeyPairSync('ed25519');
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
