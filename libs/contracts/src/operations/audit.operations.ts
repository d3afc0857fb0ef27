// The audit service's bus operations: read-only, for auditors and DPOs (the log is written from
// stream AUDIT only), and the verification keys, which anyone may have.
import {
  AuditEntriesQuery,
  AuditEntryPage,
  AuditExportChunk,
  AuditExportQuery,
  AuditLogRef,
  AuditPublicKeys,
  ConsistencyProof,
  ConsistencyProofQuery,
  InclusionProof,
  InclusionProofQuery,
  TreeHead,
  TreeHeadList,
  TreeHeadsQuery,
} from '../schemas/audit-operations.js';
import { Empty } from '../schemas/auth-operations.js';
import { busOperation } from './bus-operation.js';

const audit = 'audit' as const;

export const AUDIT_OPERATIONS = {
  listEntries: busOperation({ service: audit, action: 'entries.list', request: AuditEntriesQuery, reply: AuditEntryPage, authenticated: true }),
  /** The latest tree head, signed on demand when the log grew since the last one. */
  treeHead: busOperation({ service: audit, action: 'tree-head.get', request: AuditLogRef, reply: TreeHead, authenticated: true }),
  treeHeads: busOperation({ service: audit, action: 'tree-heads.list', request: TreeHeadsQuery, reply: TreeHeadList, authenticated: true }),
  inclusionProof: busOperation({ service: audit, action: 'proofs.inclusion', request: InclusionProofQuery, reply: InclusionProof, authenticated: true }),
  consistencyProof: busOperation({ service: audit, action: 'proofs.consistency', request: ConsistencyProofQuery, reply: ConsistencyProof, authenticated: true }),
  publicKeys: busOperation({ service: audit, action: 'public-keys.get', request: Empty, reply: AuditPublicKeys, authenticated: false }),
  /** JSON Lines in pieces, the signed tree head last; a large log takes a while. */
  export: busOperation({ service: audit, action: 'export', request: AuditExportQuery, reply: AuditExportChunk, authenticated: true, streaming: true, timeoutMs: 30_000, maxStreamMs: 30 * 60_000 }),
} as const;
