// The catalogue of what may be audited: every action, with the type of the target it names (or
// null for an action about no one thing, such as a failed login whose account may not exist).
// AuditEntry accepts no other action and no other target type, so the audit service, the
// compliance kit and auditors' filters can rely on this list being complete; a service cannot
// record an action missing from it (the recorder's types refuse it before any test runs).
export const AUDIT_TARGET_TYPES = ['user', 'session', 'api-key', 'tenant', 'tenant-settings', 'purpose', 'retention', 'subject', 'model', 'document'] as const;
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];

export const AUDIT_ACTIONS = {
  // Logins and sessions (auth).
  'login.succeeded': 'session',
  'login.failed': null,
  'login.locked': null,
  'session.ended': 'session',
  'session.reuse-detected': 'session',
  // Second factor and password (auth).
  'mfa.enrolment-started': 'user',
  'mfa.enrolment-refused': 'user',
  'mfa.enrolled': 'user',
  'mfa.reset': 'user',
  'password.changed': 'user',
  'password.change-refused': 'user',
  // Accounts, roles and API keys (auth).
  'user.created': 'user',
  'user.deleted': 'user',
  'role.changed': 'user',
  'api-key.created': 'api-key',
  'api-key.rotated': 'api-key',
  'api-key.revoked': 'api-key',
  // Tenants (tenant; `tenant.erased`: every service that erased a deleted tenant's data and keys).
  'tenant.created': 'tenant',
  'tenant.suspended': 'tenant',
  'tenant.resumed': 'tenant',
  'tenant.deleted': 'tenant',
  'tenant.erased': 'tenant',
  'settings.updated': 'tenant-settings',
  'purpose.created': 'purpose',
  // Data subjects (every service that holds personal data, at the rights pipeline's request).
  'subject.exported': 'subject',
  'subject.erased': 'subject',
  'subject.restricted': 'subject',
  'subject.restriction-lifted': 'subject',
  // Model calls (llm-gateway): one entry per call, answered or refused, by ids, codes and counts;
  // the model named by modelAuditRef of its id.
  'model.chat': 'model',
  'model.embeddings': 'model',
  // Documents for retrieval (vector-store): accepted, then stored or failed; deleted; searched
  // (about no one document: the collection, the count of results, top_k and purpose in details).
  'document.accepted': 'document',
  'document.stored': 'document',
  'document.failed': 'document',
  'document.deleted': 'document',
  'documents.searched': null,
  // Retention (every service that keeps data with a retention).
  'retention.changed': 'retention',
  'retention.purged': 'retention',
} as const satisfies Record<string, AuditTargetType | null>;

export type AuditAction = keyof typeof AUDIT_ACTIONS;
/** The type of target `A` names, or null. */
export type AuditTargetOf<A extends AuditAction> = (typeof AUDIT_ACTIONS)[A];

export const AUDIT_ACTION_NAMES = Object.keys(AUDIT_ACTIONS) as [AuditAction, ...AuditAction[]];
