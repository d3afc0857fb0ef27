// Payloads of the tenant service's operations: tenants (super-admin), their settings, and the
// purposes of processing each tenant declares. Same bodies on HTTP and on the bus (snake_case).
import { z } from 'zod';
import { Timestamp, Uuid } from './primitives.js';
import { ModelName, PurposeId, TenantSlug } from './auth-operations.js';


export const TenantStatus = z.enum(['active', 'suspended']);
export type TenantStatus = z.infer<typeof TenantStatus>;

export const CreateTenantRequest = z.object({ slug: TenantSlug, name: z.string().trim().min(1).max(200) }).strict();
export type CreateTenantRequest = z.infer<typeof CreateTenantRequest>;

export const Tenant = z
  .object({ id: Uuid, slug: TenantSlug, name: z.string(), status: TenantStatus, created_at: Timestamp })
  .strict();
export type Tenant = z.infer<typeof Tenant>;

export const TenantList = z.object({ tenants: z.array(Tenant).max(10_000) }).strict();
export type TenantList = z.infer<typeof TenantList>;

export const TenantRef = z.object({ id: Uuid }).strict();
export type TenantRef = z.infer<typeof TenantRef>;

/**
 * Service-to-service: auth resolves the slug given at login (or checks a tenant id at refresh)
 * with a service token it mints for itself. Answers NOT_FOUND for unknown and deleted tenants.
 */
export const ResolveTenantRequest = z.union([z.object({ slug: TenantSlug }).strict(), z.object({ id: Uuid }).strict()]);
export type ResolveTenantRequest = z.infer<typeof ResolveTenantRequest>;

export const ResolvedTenant = z.object({ id: Uuid, slug: TenantSlug, status: TenantStatus }).strict();
export type ResolvedTenant = z.infer<typeof ResolvedTenant>;

/** Legal bases of GDPR art. 6(1). */
export const LEGAL_BASES = ['consent', 'contract', 'legal_obligation', 'vital_interests', 'public_task', 'legitimate_interests'] as const;
export const LegalBasis = z.enum(LEGAL_BASES);
export type LegalBasis = z.infer<typeof LegalBasis>;

export const CreatePurposeRequest = z
  .object({ id: PurposeId, name: z.string().trim().min(1).max(200), legal_basis: LegalBasis, description: z.string().trim().max(2000).optional() })
  .strict();
export type CreatePurposeRequest = z.infer<typeof CreatePurposeRequest>;

export const Purpose = z
  .object({
    id: PurposeId,
    tenant_id: Uuid,
    name: z.string(),
    legal_basis: LegalBasis,
    description: z.string().nullable(),
    created_at: Timestamp,
  })
  .strict();
export type Purpose = z.infer<typeof Purpose>;

export const PurposeList = z.object({ purposes: z.array(Purpose).max(1000) }).strict();
export type PurposeList = z.infer<typeof PurposeList>;

export const PurposeRef = z.object({ id: PurposeId }).strict();
export type PurposeRef = z.infer<typeof PurposeRef>;

export const Quotas = z
  .object({
    requests_per_minute: z.number().int().min(1).max(1_000_000),
    tokens_per_day: z.number().int().min(1).max(10_000_000_000),
  })
  .strict();
export type Quotas = z.infer<typeof Quotas>;

/**
 * Retention overrides, in days, per declared category (`<service>.<category>`). They can only
 * shorten what a service declares; the service that owns the data enforces its own maximum.
 */
export const RetentionOverrides = z.record(z.string().regex(/^[a-z-]+\.[a-z0-9_-]{1,64}$/), z.number().int().min(1).max(36_500));

export const TenantSettings = z
  .object({
    tenant_id: Uuid,
    allowed_models: z.array(ModelName).max(200),
    quotas: Quotas,
    retention_days: RetentionOverrides,
    updated_at: Timestamp,
  })
  .strict();
export type TenantSettings = z.infer<typeof TenantSettings>;

export const UpdateTenantSettingsRequest = z
  .object({
    tenant_id: Uuid,
    allowed_models: z.array(ModelName).max(200).optional(),
    quotas: Quotas.partial().strict().optional(),
    retention_days: RetentionOverrides.optional(),
  })
  .strict();
export type UpdateTenantSettingsRequest = z.infer<typeof UpdateTenantSettingsRequest>;

/** A tenant's retention overrides of the categories the calling service owns (`<caller>.<kind>`), and only those. */
export const OwnRetentionOverrides = z.object({ tenant_id: Uuid, retention_days: RetentionOverrides }).strict();
export type OwnRetentionOverrides = z.infer<typeof OwnRetentionOverrides>;

export const TenantSettingsRef = z.object({ tenant_id: Uuid }).strict();
export type TenantSettingsRef = z.infer<typeof TenantSettingsRef>;

/** The models a caller may use in its tenant (`gardien.v1.tenant.models.list`, the edge's GET /v1/models). */
export const AllowedModels = z.object({ models: z.array(ModelName).max(200) }).strict();
export type AllowedModels = z.infer<typeof AllowedModels>;
