// The tables every service's database holds for the platform (created by the platform's
// migrations, service-migrations.ts), as they appear in each service's data inventory.
import { personalDataStore, type NonPersonalTableDeclaration, type PersonalDataStore, type ProcessingDeclaration } from './data-inventory.js';

export const PLATFORM_PROCESSING: Readonly<Record<string, ProcessingDeclaration>> = Object.freeze({
  'rights-handling': {
    description: "Acting on data subjects' requests: recording a restriction of processing for as long as it holds",
    legalBasis: 'legal_obligation',
    legalBasisDetail: 'GDPR arts. 12 to 22, and art. 18 for the restriction of processing',
  },
  'encryption-at-rest': {
    description: "Keeping each subject's data key, wrapped by the tenant's key, so that its data can be read and, on erasure, shredded",
    legalBasis: 'legal_obligation',
    legalBasisDetail: 'GDPR art. 32(1)(a): encryption of personal data; art. 17: erasure, by destroying the key',
  },
});

export const PLATFORM_PERSONAL_DATA: readonly PersonalDataStore[] = Object.freeze([
  personalDataStore({
    table: 'gardien_subject_restrictions',
    description: 'Subjects whose processing is restricted in this service, since when, and for which request',
    subject: { type: 'column', column: 'subject_id' },
    tenantColumn: 'tenant_id',
    sealed: [],
    dataCategories: ['rights-exercise'],
    subjectCategories: ['account-holders', 'document-subjects'],
    purposes: ['rights-handling'],
    retention: { until: 'the restriction is lifted, or the subject erased', justification: 'a restriction is recorded exactly as long as it applies (art. 18)' },
    recipients: ["the rights pipeline, for the tenant's DPO"],
    erasure: { action: 'delete' },
  }),
  personalDataStore({
    table: 'gardien_keys.subject_keys',
    description: "Each subject's data key, wrapped by the tenant's key in the KMS (never in clear)",
    subject: { type: 'column', column: 'subject_id' },
    tenantColumn: 'tenant_id',
    sealed: [],
    withheld: {
      key_id: 'names the key material: of no use to the subject, and only ever shown to the key ring',
      wrapped_key: 'key material: exporting it would weaken the encryption of the subject\u2019s data',
    },
    dataCategories: ['identification'],
    subjectCategories: ['account-holders', 'document-subjects'],
    purposes: ['encryption-at-rest'],
    retention: { until: 'the subject (or its tenant) is erased', justification: 'the key is what makes the subject\u2019s data readable; destroying it erases that data everywhere, backups included' },
    recipients: [],
    erasure: { action: 'destroy-keys' },
  }),
]);

export const PLATFORM_NON_PERSONAL_TABLES: readonly NonPersonalTableDeclaration[] = Object.freeze([
  { table: 'gardien_migrations', reason: 'the names of the migrations applied to the database' },
  {
    table: 'gardien_outbox',
    reason: 'audit entries and domain events waiting to be relayed: ids, codes and counts only, no free text and no direct identifier (the audit service holds the log)',
  },
  { table: 'gardien_retention_overrides', reason: "tenants' shortened retention periods, per category of data: a tenant's settings" },
  { table: 'gardien_keys.erased_subject_keys', reason: 'random ids of destroyed data keys, tied to no subject, so that reads of erased data say so' },
  { table: 'gardien_keys.tenant_keys', reason: "a tenant's own keys (blind index), wrapped by its key in the KMS: key material of the tenant, not of a person" },
]);
