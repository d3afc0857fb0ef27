// The audit service's domain reasons, each with its transport code and its one message. Refusals
// by the ability factory are libs/authz's `action_not_allowed`, whichever service raises them.
import { ErrorCode, ErrorReasons, type GardienError, type ReasonExtras } from '@gardien/contracts';

export enum AuditReason {
  /** An inclusion or consistency proof asked for an index or a size the log does not have (yet). */
  ProofOutsideTree = 'proof_outside_tree',
  /** An export's range is empty, reversed, outside the log, or larger than one export holds. */
  ExportRangeRefused = 'export_range_refused',
  /** A page of entries asked for a time range that ends before it starts. */
  EntriesRangeRefused = 'entries_range_refused',
}

export const AUDIT_ERRORS = ErrorReasons.define<AuditReason>('audit', {
  [AuditReason.ProofOutsideTree]: { code: ErrorCode.ValidationFailed, message: 'the proof asked for lies outside the tree' },
  [AuditReason.ExportRangeRefused]: { code: ErrorCode.ValidationFailed, message: 'the export range is empty, outside the log or too large for one export' },
  [AuditReason.EntriesRangeRefused]: { code: ErrorCode.ValidationFailed, message: 'the time range ends before it starts' },
});

export function auditError(reason: AuditReason, extras?: ReasonExtras): GardienError {
  return AUDIT_ERRORS.error(reason, extras);
}
