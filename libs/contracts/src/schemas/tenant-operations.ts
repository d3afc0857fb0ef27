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

/** How long data kept for a purpose is kept, in days, when its tenant declares it (the vector store's documents: at most its own ceiling). */
export const PurposeRetentionDays = z.number().int().min(1).max(3650);

export const CreatePurposeRequest = z
  .object({
    id: PurposeId,
    name: z.string().trim().min(1).max(200),
    legal_basis: LegalBasis,
    description: z.string().trim().max(2000).optional(),
    retention_days: PurposeRetentionDays.optional(),
  })
  .strict();
export type CreatePurposeRequest = z.infer<typeof CreatePurposeRequest>;

export const Purpose = z
  .object({
    id: PurposeId,
    tenant_id: Uuid,
    name: z.string(),
    legal_basis: LegalBasis,
    description: z.string().nullable(),
    /** Null: the purpose declares no retention (each service keeps its data for its own period). */
    retention_days: PurposeRetentionDays.nullable(),
    created_at: Timestamp,
  })
  .strict();
export type Purpose = z.infer<typeof Purpose>;

export const PurposeList = z.object({ purposes: z.array(Purpose).max(1000) }).strict();
export type PurposeList = z.infer<typeof PurposeList>;

export const PurposeRef = z.object({ id: PurposeId }).strict();
export type PurposeRef = z.infer<typeof PurposeRef>;

const quotaLimits = {
  requests_per_minute: z.number().int().min(1).max(1_000_000),
  requests_per_day: z.number().int().min(1).max(1_000_000_000),
  tokens_per_minute: z.number().int().min(1).max(10_000_000_000),
  tokens_per_day: z.number().int().min(1).max(10_000_000_000),
};

/** Limits on model calls over a minute and a day (UTC), counted by the gateway across its replicas. */
export const QuotaLimits = z.object(quotaLimits).strict();
export type QuotaLimits = z.infer<typeof QuotaLimits>;

/**
 * The tenant's limits, and those each of its API keys has on its own (`api_key`: any of the four,
 * within the tenant's; absent ones leave a key bound by the tenant's alone). An update replaces
 * `api_key` whole.
 */
export const Quotas = z
  .object({ ...quotaLimits, api_key: QuotaLimits.partial().strict() })
  .strict();
export type Quotas = z.infer<typeof Quotas>;

/**
 * Retention overrides, in days, per declared category (`<service>.<category>`). They can only
 * shorten what a service declares; the service that owns the data enforces its own maximum.
 */
export const RetentionOverrides = z.record(z.string().regex(/^[a-z-]+\.[a-z0-9_-]{1,64}$/), z.number().int().min(1).max(36_500));

/** What the gateway does when a guard fires: refuse the call, or let it through and count it. */
export const GUARD_ACTIONS = ['block', 'flag'] as const;
export const GuardAction = z.enum(GUARD_ACTIONS);
export type GuardAction = z.infer<typeof GuardAction>;

/** Per tenant: a prompt that reads as an injection; identifiers in an answer that the prompt did not hold. */
export const GuardSettings = z.object({ injection: GuardAction, output_leaks: GuardAction }).strict();
export type GuardSettings = z.infer<typeof GuardSettings>;

export const TenantSettings = z
  .object({
    tenant_id: Uuid,
    allowed_models: z.array(ModelName).max(200),
    quotas: Quotas,
    guards: GuardSettings,
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
    guards: GuardSettings.partial().strict().optional(),
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

/**
 * What the gateway needs of a tenant to decide a model call, in one answer (service to service:
 * `gardien.v1.tenant.model-policy.get`, with the gateway's own token): whether the tenant is
 * active, the models it allows, its quotas and guard actions, and the legal basis of each purpose
 * (and its retention, when it declares one: the vector store fixes its documents' expiry from it).
 */
export const ModelPolicy = z
  .object({
    tenant_id: Uuid,
    active: z.boolean(),
    allowed_models: z.array(ModelName).max(200),
    quotas: Quotas,
    guards: GuardSettings,
    purposes: z.array(z.object({ id: PurposeId, legal_basis: LegalBasis, retention_days: PurposeRetentionDays.optional() }).strict()).max(1000),
  })
  .strict();
export type ModelPolicy = z.infer<typeof ModelPolicy>;
