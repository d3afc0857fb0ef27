// The resource types abilities speak about, the attributes their conditions read, and the actions
// each type accepts. Actions are listed per type so that a check no rule could ever grant (say,
// `invoke` on a Document) fails to compile instead of quietly returning false.

export const SUBJECT_TYPES = [
  'Tenant',
  'TenantSettings',
  'User',
  'Role',
  'ApiKey',
  'Purpose',
  'Consent',
  'DataSubjectRequest',
  'AuditEntry',
  'ModelCall',
  'Document',
  'DataInventory',
  'SubjectData',
  'TenantRetention',
] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];

export const CLASSIFICATIONS = ['public', 'internal', 'confidential', 'health'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

type Crud = 'create' | 'read' | 'update' | 'delete';

export interface SubjectActions {
  /** `resolve`: find a tenant by its slug or check its status, as login and refresh must. */
  Tenant: Crud | 'suspend' | 'resolve';
  TenantSettings: Crud;
  User: Crud;
  /** A role assignment. Changing someone's roles is an action on Role, never an update of User. */
  Role: Crud;
  ApiKey: Crud | 'rotate';
  Purpose: Crud;
  Consent: Crud;
  DataSubjectRequest: Crud | 'approve' | 'reject';
  /** The audit log is append-only and written through the outbox, not by callers: no create, update or delete. */
  AuditEntry: 'read' | 'export' | 'verify';
  /** Calling a model is the only thing one does with a ModelCall; `invoke` is how one is created. */
  ModelCall: 'invoke';
  Document: Crud;
  /** A service's declarations of what it holds (no data): read by the compliance kit, DPOs, auditors, platform services. */
  DataInventory: 'read';
  /** What one service holds on one data subject of a tenant: exported, erased or restricted for a data-subject request. */
  SubjectData: 'export' | 'erase' | 'restrict';
  /** A tenant's retention overrides of one service's categories: read by that service, to apply them. */
  TenantRetention: 'read';
}

/** The actions accepted on one type; `manage` is CASL's "every action". */
export type ActionOn<S extends SubjectType> = SubjectActions[S] | 'manage';
export type Action = ActionOn<SubjectType>;

interface TenantOwned {
  tenantId: string;
}

/** What a rule's conditions may read on each type. Every type but Tenant and DataInventory belongs to a tenant. */
export interface SubjectAttributes {
  Tenant: { id: string };
  TenantSettings: TenantOwned;
  User: TenantOwned & { id: string };
  Role: TenantOwned;
  ApiKey: TenantOwned & { ownerId: string };
  Purpose: TenantOwned;
  Consent: TenantOwned & { subjectId: string };
  DataSubjectRequest: TenantOwned;
  AuditEntry: TenantOwned;
  ModelCall: TenantOwned & { purpose: string; model: string };
  Document: TenantOwned & { ownerId: string; classification: Classification };
  /** A service's inventory describes the platform's processing for every tenant and holds no data: it belongs to none. */
  DataInventory: { service: string };
  SubjectData: TenantOwned & { subjectId: string };
  TenantRetention: TenantOwned & { service: string };
}
