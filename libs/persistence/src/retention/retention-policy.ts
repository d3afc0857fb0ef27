// A retention the purge job enforces, as it derives from a store of the service's data inventory
// (retentionPoliciesOf): the declared maximum is the legal or contractual ceiling; a tenant may
// shorten it (never lengthen it) through its overrides, where the inventory allows.
export interface RetentionPolicy {
  /** Stable name of the category of data, used in overrides and audit entries (e.g. "sessions"). */
  kind: string;
  table: string;
  /** Timestamp from which the period runs. */
  timestampColumn: string;
  maxDays: number;
  /** Why this period (the text of the record of processing refers to it). */
  justification: string;
  /** The table's tenant column; null for a table of no tenant (no overrides apply, purges are audited in the platform log). */
  tenantColumn: string | null;
  tenantMayShorten: boolean;
  /** The row's own, earlier expiry, if the store has one (it expires at the earlier of the two). */
  expiresAtColumn: string | null;
  /** Set when the service removes its expired rows itself (RetentionPurgeJob.useRemover): the id column handed to it. */
  removedByService: { recordColumn: string } | null;
}

/** An expired row the purge hands to the service that removes it. */
export interface ExpiredRow {
  tenantId: string | null;
  id: string;
}

/** Removes expired rows the way the service deletes them, audited by the service; answers how many it removed. */
export type ExpiredRowsRemover = (rows: readonly ExpiredRow[]) => Promise<number>;
