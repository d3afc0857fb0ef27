// The tenant service's bus operations: tenants (the super-admin), their settings, the purposes of
// processing they declare, and the models a caller of a tenant may use.
import {
  AllowedModels,
  CreatePurposeRequest,
  CreateTenantRequest,
  ModelPolicy,
  OwnRetentionOverrides,
  Purpose,
  PurposeList,
  PurposeRef,
  ResolveTenantRequest,
  ResolvedTenant,
  Tenant,
  TenantList,
  TenantRef,
  TenantSettings,
  TenantSettingsRef,
  UpdateTenantSettingsRequest,
} from '../schemas/tenant-operations.js';
import { Empty } from '../schemas/auth-operations.js';
import { busOperation } from './bus-operation.js';

const tenant = 'tenant' as const;
/** Creating and deleting a tenant create or destroy its keys in every KMS: longer than the default. */
const KEY_WORK_TIMEOUT_MS = 10_000;

export const TENANT_OPERATIONS = {
  createTenant: busOperation({
    service: tenant,
    action: 'tenants.create',
    request: CreateTenantRequest,
    reply: Tenant,
    authenticated: true,
    timeoutMs: KEY_WORK_TIMEOUT_MS,
  }),
  listTenants: busOperation({ service: tenant, action: 'tenants.list', request: Empty, reply: TenantList, authenticated: true }),
  getTenant: busOperation({ service: tenant, action: 'tenants.get', request: TenantRef, reply: Tenant, authenticated: true }),
  suspendTenant: busOperation({ service: tenant, action: 'tenants.suspend', request: TenantRef, reply: Tenant, authenticated: true }),
  resumeTenant: busOperation({ service: tenant, action: 'tenants.resume', request: TenantRef, reply: Tenant, authenticated: true }),
  deleteTenant: busOperation({
    service: tenant,
    action: 'tenants.delete',
    request: TenantRef,
    reply: Empty,
    authenticated: true,
    timeoutMs: KEY_WORK_TIMEOUT_MS,
  }),
  /** Service-to-service: auth resolves the slug given at login, or checks a tenant id at refresh. */
  resolveTenant: busOperation({ service: tenant, action: 'tenants.resolve', request: ResolveTenantRequest, reply: ResolvedTenant, authenticated: true }),
  getSettings: busOperation({ service: tenant, action: 'settings.get', request: TenantSettingsRef, reply: TenantSettings, authenticated: true }),
  updateSettings: busOperation({
    service: tenant,
    action: 'settings.update',
    request: UpdateTenantSettingsRequest,
    reply: TenantSettings,
    authenticated: true,
  }),
  /** Service-to-service: the overrides of the calling service's own retention categories, which it applies. */
  getOwnRetentionOverrides: busOperation({
    service: tenant,
    action: 'settings.retention.get',
    request: TenantSettingsRef,
    reply: OwnRetentionOverrides,
    authenticated: true,
  }),
  /** The models the caller may call in its tenant: the tenant's allowed models, narrowed to an API key's own. */
  listModels: busOperation({ service: tenant, action: 'models.list', request: Empty, reply: AllowedModels, authenticated: true }),
  createPurpose: busOperation({ service: tenant, action: 'purposes.create', request: CreatePurposeRequest, reply: Purpose, authenticated: true }),
  listPurposes: busOperation({ service: tenant, action: 'purposes.list', request: Empty, reply: PurposeList, authenticated: true }),
  getPurpose: busOperation({ service: tenant, action: 'purposes.get', request: PurposeRef, reply: Purpose, authenticated: true }),
  /** Service to service: what the gateway needs of a tenant to decide a model call. */
  getModelPolicy: busOperation({ service: tenant, action: 'model-policy.get', request: TenantSettingsRef, reply: ModelPolicy, authenticated: true }),
} as const;
