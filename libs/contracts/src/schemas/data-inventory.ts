// A service's data inventory as it travels on the bus (gardien.v1.<service>.inventory): every table
// of its database, either a store of personal data with what the record of processing (GDPR art.
// 30) needs of it, or a table without personal data and why. Declarations only, never data: the
// compliance kit reads it, the tenant service reads its retention maxima from it.
import { z } from 'zod';
import { LegalBasis } from './tenant-operations.js';

/** A table or column, optionally schema-qualified (`gardien_keys.subject_keys`). */
export const SqlName = z.string().regex(/^[a-z_][a-z0-9_]{0,62}(\.[a-z_][a-z0-9_]{0,62})?$/);
/** A stable name of the system (a purpose, a retention kind): lower-case words joined by hyphens. */
export const InventorySlug = z.string().regex(/^[a-z][a-z0-9-]{1,62}$/);
/** Text written in the code (a justification, a reason), never data. */
const Prose = z.string().min(1).max(600);

/**
 * Categories of personal data, after the CNIL's template of the record of processing, plus the
 * kinds this platform handles apart: credentials and second factors, what users submit, and the
 * record that a subject exercised a right (a restriction, say).
 */
export const DATA_CATEGORIES = [
  'identification',
  'authentication',
  'connection',
  'personal-life',
  'professional-life',
  'economic-financial',
  'location',
  'content',
  'national-identifier',
  'health',
  'special-category',
  'offences',
  'rights-exercise',
] as const;
export const DataCategory = z.enum(DATA_CATEGORIES);
export type DataCategory = z.infer<typeof DataCategory>;

/**
 * Categories of data subjects: people with an account on the platform (a tenant's staff, its
 * service accounts' owners, the platform's operators), and people a tenant's documents, prompts
 * and requests are about (its clients, patients...).
 */
export const SUBJECT_CATEGORIES = ['account-holders', 'document-subjects'] as const;
export const SubjectCategory = z.enum(SUBJECT_CATEGORIES);
export type SubjectCategory = z.infer<typeof SubjectCategory>;

/** A processing activity of the service: what it does with the data, on which legal basis (art. 6(1)). */
export const ProcessingActivity = z
  .object({
    id: InventorySlug,
    description: Prose,
    legal_basis: LegalBasis,
    /** The contract, the obligation or the legitimate interest relied on (art. 13(1)(c)-(d)). */
    legal_basis_detail: Prose,
  })
  .strict();
export type ProcessingActivity = z.infer<typeof ProcessingActivity>;

/** How a row belongs to a data subject. */
export const SubjectLink = z.discriminatedUnion('type', [
  /** The subject's id is in this column. */
  z.object({ type: z.literal('column'), column: SqlName }).strict(),
  /** `column` references `references` of `table`, whose own link names the subject. */
  z.object({ type: z.literal('through'), column: SqlName, table: SqlName, references: SqlName }).strict(),
  /** Personal data that no column ties to a subject id (keyed hashes): reached by retention only. */
  z.object({ type: z.literal('none'), reason: Prose }).strict(),
]);
export type SubjectLink = z.infer<typeof SubjectLink>;

export const InventoryRetention = z.discriminatedUnion('type', [
  /** Purged `max_days` after `from`; tenants may shorten it (`retention_days` `<service>.<kind>`) when allowed. */
  z
    .object({
      type: z.literal('period'),
      kind: InventorySlug,
      max_days: z.number().int().min(1).max(36_500),
      from: SqlName,
      justification: Prose,
      tenant_may_shorten: z.boolean(),
    })
    .strict(),
  /** Kept until an event of its life (the account is deleted, its session is purged), then deleted with it. */
  z.object({ type: z.literal('until'), until: Prose, justification: Prose }).strict(),
]);
export type InventoryRetention = z.infer<typeof InventoryRetention>;

export const InventoryErasure = z.discriminatedUnion('action', [
  /** The subject's rows are deleted. */
  z.object({ action: z.literal('delete') }).strict(),
  /** The rows are kept for a legal obligation; their sealed columns become unreadable (crypto-shredding), their blind indexes are cleared. */
  z.object({ action: z.literal('keep'), obligation: Prose }).strict(),
  /** The subject's data keys: destroyed once the rows' transaction has committed. */
  z.object({ action: z.literal('destroy-keys') }).strict(),
]);
export type InventoryErasure = z.infer<typeof InventoryErasure>;

export const WithheldColumn = z.object({ column: SqlName, reason: Prose }).strict();

export const PersonalDataStoreEntry = z
  .object({
    table: SqlName,
    description: Prose,
    subject: SubjectLink,
    tenant_column: SqlName.nullable(),
    sealed: z.array(SqlName).max(64),
    blind_indexes: z.array(SqlName).max(64),
    /** Columns an export leaves out (credential verifiers, key material), with why. */
    withheld: z.array(WithheldColumn).max(64),
    data_categories: z.array(DataCategory).min(1),
    subject_categories: z.array(SubjectCategory).min(1),
    /** Ids of the service's processing activities that use the table. */
    purposes: z.array(InventorySlug).min(1),
    retention: InventoryRetention,
    recipients: z.array(Prose).max(20),
    /** What erasing a subject does here; null where no column ties a row to a subject (`subject.type` none). */
    erasure: InventoryErasure.nullable(),
  })
  .strict();
export type PersonalDataStoreEntry = z.infer<typeof PersonalDataStoreEntry>;

export const NonPersonalTable = z.object({ table: SqlName, reason: Prose }).strict();
export type NonPersonalTable = z.infer<typeof NonPersonalTable>;

export const DataInventory = z
  .object({
    service: z.string().regex(/^[a-z][a-z-]{0,62}$/),
    processing: z.array(ProcessingActivity).max(100),
    personal_data: z.array(PersonalDataStoreEntry).max(500),
    no_personal_data: z.array(NonPersonalTable).max(500),
  })
  .strict();
export type DataInventory = z.infer<typeof DataInventory>;
