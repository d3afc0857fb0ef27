// Payloads of the audit service's read-only operations: entries and their filters, tree heads,
// inclusion and consistency proofs, the verification keys, and the export (JSON Lines, streamed).
// A request names a log by `tenant_id`; without it, the caller's own tenant's log (the platform's
// for a platform auditor). Only platform auditors may name another tenant.
import { z } from 'zod';
import { AUDIT_ACTION_NAMES } from './audit-actions.js';
import { AuditIdentifier, LogEntry } from './audit.js';
import { Uuid } from './primitives.js';

export const LogIndex = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const HexHash = z.string().regex(/^[0-9a-f]{64}$/);
const Timestamp = z.iso.datetime({ offset: true });
const LogChoice = { tenant_id: Uuid.optional() };

/** A signed tree head (RFC 9162 style): Ed25519 over the JCS of every field but `signature`. */
export const TreeHead = z
  .object({
    /** A tenant's id, or "platform". */
    log: z.union([z.literal('platform'), z.uuid()]),
    tree_size: LogIndex,
    root_hash: HexHash,
    timestamp: Timestamp,
    key_id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    signature: z.base64().max(200),
  })
  .strict();
export type TreeHead = z.infer<typeof TreeHead>;

/** The keys tree heads are verified with: Ed25519 public JWKs (RFC 8037), `kid` = a head's `key_id`. */
export const AuditPublicKey = z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.base64url().length(43), kid: z.string().min(1).max(64), alg: z.literal('EdDSA').optional(), use: z.literal('sig').optional() }).strict();
export const AuditPublicKeys = z.object({ keys: z.array(AuditPublicKey).max(1_000) }).strict();
export type AuditPublicKeys = z.infer<typeof AuditPublicKeys>;

export const MAX_AUDIT_PAGE = 500;

export const AuditEntriesQuery = z
  .object({
    ...LogChoice,
    /** Entries at or after this time. */
    from: Timestamp.optional(),
    /** Entries before this time. */
    to: Timestamp.optional(),
    action: z.enum(AUDIT_ACTION_NAMES).optional(),
    /** The id of the actor. */
    actor: AuditIdentifier.optional(),
    /** The id of the target. */
    target: AuditIdentifier.optional(),
    outcome: z.enum(['success', 'failure', 'denied']).optional(),
    /** Entries after this index (the `next_after` of the previous page). */
    after: LogIndex.optional(),
    limit: z.number().int().min(1).max(MAX_AUDIT_PAGE).optional(),
  })
  .strict();
export type AuditEntriesQuery = z.infer<typeof AuditEntriesQuery>;

export const AuditEntryPage = z
  .object({
    log: z.union([z.literal('platform'), z.uuid()]),
    entries: z.array(z.object({ index: LogIndex, entry: LogEntry, leaf_hash: HexHash }).strict()).max(MAX_AUDIT_PAGE),
    /** Give it as `after` for the next page; null on the last one. */
    next_after: LogIndex.nullable(),
  })
  .strict();
export type AuditEntryPage = z.infer<typeof AuditEntryPage>;

export const AuditLogRef = z.object(LogChoice).strict();
export type AuditLogRef = z.infer<typeof AuditLogRef>;

export const TreeHeadsQuery = z.object({ ...LogChoice, before_size: LogIndex.optional(), limit: z.number().int().min(1).max(100).optional() }).strict();
export type TreeHeadsQuery = z.infer<typeof TreeHeadsQuery>;
export const TreeHeadList = z.object({ tree_heads: z.array(TreeHead).max(100) }).strict();
export type TreeHeadList = z.infer<typeof TreeHeadList>;

export const InclusionProofQuery = z.object({ ...LogChoice, index: LogIndex, tree_size: LogIndex }).strict();
export type InclusionProofQuery = z.infer<typeof InclusionProofQuery>;
export const InclusionProof = z.object({ index: LogIndex, tree_size: LogIndex, leaf_hash: HexHash, inclusion_proof: z.array(HexHash).max(64) }).strict();
export type InclusionProof = z.infer<typeof InclusionProof>;

export const ConsistencyProofQuery = z.object({ ...LogChoice, first: LogIndex, second: LogIndex }).strict();
export type ConsistencyProofQuery = z.infer<typeof ConsistencyProofQuery>;
export const ConsistencyProof = z.object({ first: LogIndex, second: LogIndex, consistency_proof: z.array(HexHash).max(128) }).strict();
export type ConsistencyProof = z.infer<typeof ConsistencyProof>;

export const AuditExportQuery = z.object({ ...LogChoice, from: LogIndex.optional(), to: LogIndex.optional() }).strict();
export type AuditExportQuery = z.infer<typeof AuditExportQuery>;
/** One piece of an export: whole JSON Lines, each ending in LF, the tree head's last. */
export const AuditExportChunk = z.object({ lines: z.string().max(512 * 1024) }).strict();
export type AuditExportChunk = z.infer<typeof AuditExportChunk>;
