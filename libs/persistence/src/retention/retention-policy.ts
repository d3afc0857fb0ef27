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
}
