// Payloads of the subject operations every service answers for the rights pipeline
// (gardien.v1.<service>.subject.export|erase|restrict): what the service holds on one data
// subject of one tenant, its erasure, its restriction (GDPR arts. 15, 17, 18, 20).
import { z } from 'zod';
import { PLATFORM_TENANT_ID } from './identity.js';
import { Uuid } from './primitives.js';
import { DataCategory, InventorySlug, SqlName } from './data-inventory.js';

/**
 * One subject of one tenant. The platform tenant's only subject is the super-admin, whose account
 * the platform cannot run without: operators handle it on the server, not through the pipeline.
 * `rights_request_id` ties the audit entries to the data-subject request being executed.
 */
export const SubjectRef = z
  .object({
    tenant_id: Uuid.refine((id) => id !== PLATFORM_TENANT_ID, { message: 'not for the platform tenant' }),
    subject_id: Uuid,
    rights_request_id: Uuid.optional(),
  })
  .strict();
export type SubjectRef = z.infer<typeof SubjectRef>;

/** Rows exported per table at most; a table with more says `truncated`. */
export const MAX_EXPORTED_ROWS = 1_000;

export const ExportedTable = z
  .object({
    table: SqlName,
    data_categories: z.array(DataCategory),
    purposes: z.array(InventorySlug),
    /** Each row's columns, sealed ones opened; blind indexes and withheld columns left out. */
    rows: z.array(z.record(SqlName, z.json())).max(MAX_EXPORTED_ROWS),
    withheld_columns: z.array(SqlName),
    truncated: z.boolean(),
    /** Some sealed values belong to an erased subject (rows kept for an obligation): exported as null. */
    shredded: z.boolean(),
  })
  .strict();
export type ExportedTable = z.infer<typeof ExportedTable>;

export const SubjectExport = z
  .object({ service: z.string(), tenant_id: Uuid, subject_id: Uuid, tables: z.array(ExportedTable).max(500) })
  .strict();
export type SubjectExport = z.infer<typeof SubjectExport>;

export const ErasedTable = z.object({ table: SqlName, deleted: z.number().int().min(0), kept: z.number().int().min(0) }).strict();
export type ErasedTable = z.infer<typeof ErasedTable>;

export const SubjectErasure = z
  .object({
    service: z.string(),
    tenant_id: Uuid,
    subject_id: Uuid,
    /** False when there was nothing left to erase: the erasure had already been done. */
    changed: z.boolean(),
    tables: z.array(ErasedTable).max(500),
    keys_destroyed: z.number().int().min(0),
  })
  .strict();
export type SubjectErasure = z.infer<typeof SubjectErasure>;

/** `restricted: false` lifts a restriction (art. 18(3): once the reason for it has ended). */
export const SubjectRestrictionRequest = SubjectRef.extend({ restricted: z.boolean() }).strict();
export type SubjectRestrictionRequest = z.infer<typeof SubjectRestrictionRequest>;

export const SubjectRestriction = z
  .object({ service: z.string(), tenant_id: Uuid, subject_id: Uuid, restricted: z.boolean(), changed: z.boolean() })
  .strict();
export type SubjectRestriction = z.infer<typeof SubjectRestriction>;
