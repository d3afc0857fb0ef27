// The policy, one function per role: what each role may do and under which attribute conditions.
// Every rule of a tenant role on a tenant's resource carries `tenantId` of the caller's tenant, so
// no rule here can reach another tenant's resources; ownership, purpose and classification narrow
// it further. The one resource of no tenant a tenant role may read is the services' data
// inventories: declarations of the platform's processing, the same for every tenant, no data.
import type { AbilityBuilder, MongoQuery } from '@casl/ability';
import { isServiceName, type Role, type ServiceName } from '@gardien/contracts';
import type { AppAbility, SubjectInstance } from './app-ability.js';
import type { Classification } from './subjects.js';

type Can = AbilityBuilder<AppAbility>['can'];

export interface TenantScope {
  tenantId: string;
  principalId: string;
  /** Conditions of every ModelCall `invoke`: the tenant, plus purpose and model for purpose-bound callers. */
  modelCall: MongoQuery<SubjectInstance<'ModelCall'>>;
}

/** Listed rather than "all but health", so that a classification added later starts out refused. */
const DEVELOPER_READABLE: Classification[] = ['public', 'internal', 'confidential'];

/**
 * The super-admin runs the platform, not the tenants: it creates, suspends and deletes tenants and
 * reads their settings (models, quotas, retention), and nothing else. No users, documents, consents,
 * requests or audit entries: data protection by design, the platform operator never sees the
 * tenants' personal data, not even their user lists. It belongs to no tenant, hence no tenant condition.
 */
export function grantSuperadmin(can: Can): void {
  can(['create', 'read', 'update', 'suspend', 'delete'], 'Tenant');
  can('read', 'TenantSettings');
  can('read', 'DataInventory');
}

/**
 * A platform auditor (an account of no tenant, created by the super-admin, role auditor only) reads
 * the platform's log and every tenant's: the audit trail holds ids and codes, never a tenant's data.
 */
export function grantPlatformAuditor(can: Can): void {
  can(['read', 'export', 'verify'], 'AuditEntry');
  can('read', 'DataInventory');
}

const tenantRoleGrants: Record<Exclude<Role, 'superadmin'>, (can: Can, scope: TenantScope) => void> = {
  tenant_admin(can, { tenantId }) {
    can('manage', ['User', 'Role', 'ApiKey', 'Purpose', 'TenantSettings'], { tenantId });
  },
  dpo(can, { tenantId }) {
    can(['create', 'read', 'approve', 'reject'], 'DataSubjectRequest', { tenantId });
    // The DPO answers for what happened to the tenant's data: the tenant's audit log is theirs to read.
    can(['read', 'export', 'verify'], 'AuditEntry', { tenantId });
    can('read', ['Consent', 'Purpose', 'Document'], { tenantId });
    // The record of processing (art. 30) and the DPIA are the DPO's to keep: they rest on these.
    can('read', 'DataInventory');
  },
  auditor(can, { tenantId }) {
    can(['read', 'export', 'verify'], 'AuditEntry', { tenantId });
    can('read', 'DataInventory');
  },
  developer(can, { tenantId, principalId, modelCall }) {
    can('invoke', 'ModelCall', modelCall);
    can(['create', 'read', 'rotate', 'delete'], 'ApiKey', { tenantId, ownerId: principalId });
    can('read', 'Purpose', { tenantId });
    can('read', 'Document', { tenantId, classification: { $in: DEVELOPER_READABLE } });
  },
  user(can, { tenantId, principalId, modelCall }) {
    can('invoke', 'ModelCall', modelCall);
    can(['read', 'update'], 'User', { tenantId, id: principalId });
    can(['create', 'read', 'update', 'delete'], 'Document', { tenantId, ownerId: principalId });
    can(['create', 'read'], 'Consent', { tenantId, subjectId: principalId });
  },
  service(can, { modelCall }) {
    can('invoke', 'ModelCall', modelCall);
  },
};

export function grantTenantRole(role: Exclude<Role, 'superadmin'>, can: Can, scope: TenantScope): void {
  tenantRoleGrants[role](can, scope);
}

/**
 * What each platform service may do in its own name (with its service token, not a caller's):
 * `service:<name>` rules. Listed, so that a service without an entry gets nothing, and no service
 * special-cases another by name: callees check these rules like any other.
 */
const serviceGrants: Partial<Record<ServiceName, (can: Can) => void>> = {
  // Login and refresh resolve the tenant a caller names; `gardien bootstrap` creates the first
  // tenant (and deletes it again if its accounts cannot be written).
  auth(can) {
    can(['resolve', 'create', 'delete'], 'Tenant');
    // Applies tenants' retention overrides of its own categories (`auth.*`), and of no other service.
    can('read', 'TenantRetention', { service: 'auth' });
  },
  // Checks tenants' retention overrides against the maxima each owning service declares.
  tenant(can) {
    can('read', 'DataInventory');
  },
  // Executes data-subject requests: asks every service what it holds on a subject, and erases or
  // restricts it, for whichever tenant the approved request belongs to; and reads the inventories
  // to know which services hold personal data. No one else may touch a subject's data this way.
  // Decides model calls for every tenant: reads each tenant's settings (allowed models, quotas,
  // guard actions) and its purposes' legal bases, and changes neither.
  'llm-gateway'(can) {
    can('read', ['TenantSettings', 'Purpose']);
  },
  // Fixes a document's expiry from the retention of its purpose, read in the tenant's policy when
  // the document is accepted (the same answer the gateway reads), and changes neither.
  'vector-store'(can) {
    can('read', ['TenantSettings', 'Purpose']);
  },
  'rights-pipeline'(can) {
    can(['export', 'erase', 'restrict'], 'SubjectData');
    can('read', 'DataInventory');
  },
};

export function grantService(service: string, can: Can): void {
  if (isServiceName(service)) serviceGrants[service]?.(can);
}
