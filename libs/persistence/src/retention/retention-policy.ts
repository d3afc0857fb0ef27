// What an entity declares about how long its rows may be kept. The declared maximum is the legal
// or contractual ceiling; a tenant may shorten it (never lengthen it) through its overrides.
export interface RetentionPolicy {
  /** Stable name of the category of data, used in overrides and audit entries (e.g. "chat-history"). */
  kind: string;
  table: string;
  /** Timestamp from which the period runs. */
  timestampColumn: string;
  maxDays: number;
  /** Why this period (the text of the record of processing refers to it). */
  justification: string;
}

const KIND = /^[a-z][a-z0-9-]{1,62}$/;
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export function declareRetention(policy: RetentionPolicy): RetentionPolicy {
  if (!KIND.test(policy.kind)) throw new Error(`retention kind "${policy.kind}" is not a slug`);
  if (!IDENTIFIER.test(policy.table) || !IDENTIFIER.test(policy.timestampColumn)) {
    throw new Error(`retention of "${policy.kind}" names an invalid table or column`);
  }
  if (!Number.isInteger(policy.maxDays) || policy.maxDays < 1 || policy.maxDays > 36_500) {
    throw new Error(`retention of "${policy.kind}" must be a whole number of days between 1 and 36500`);
  }
  return Object.freeze({ ...policy });
}
