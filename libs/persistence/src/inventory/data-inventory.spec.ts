// A data inventory that contradicts itself never loads: each inconsistency is refused, by name,
// when the service's code is imported, before anything starts.
import { personalDataStore, type LinkedStore, type PeriodRetention } from './data-inventory.js';
import { declareDataInventory } from './declare-inventory.js';
import { retentionPoliciesOf } from './inventory-description.js';

const store: LinkedStore<'email'> = {
  table: 'people',
  description: 'people',
  subject: { type: 'column', column: 'id' },
  tenantColumn: 'tenant_id',
  recordId: 'id',
  sealed: ['email'],
  blindIndexes: { email_index: { source: 'email', normalise: 'email' } },
  dataCategories: ['identification'],
  subjectCategories: ['account-holders'],
  purposes: ['care'],
  retention: { kind: 'people', maxDays: 30, from: 'created_at', justification: 'a test', tenantMayShorten: true },
  recipients: [],
  erasure: { action: 'delete' },
};
const processing = { care: { description: 'a test', legalBasis: 'contract', legalBasisDetail: 'a test' } } as const;
const inventory = (personalData: Parameters<typeof declareDataInventory>[0]['personalData'], noPersonalData: Array<{ table: string; reason: string }> = []) =>
  declareDataInventory({ service: 'probe', processing, personalData, noPersonalData });

test('a consistent store and inventory load, with the platform’s tables added', () => {
  const declared = inventory([personalDataStore(store)], [{ table: 'settings', reason: 'no person' }]);
  expect(declared.personalData.map(({ table }) => table)).toEqual(['people', 'gardien_subject_restrictions', 'gardien_keys.subject_keys']);
  expect(declared.noPersonalData.map(({ table }) => table)).toContain('gardien_outbox');
  expect(Object.keys(declared.processing)).toEqual(['care', 'rights-handling', 'encryption-at-rest']);
});

test.each([
  ['an invalid table name', { table: 'People; DROP' }, /invalid table name/],
  ['an invalid column name', { subject: { type: 'column', column: 'id"' } }, /invalid column name/],
  ['a blind index of a column that is not sealed', { blindIndexes: { email_index: { source: 'phone', normalise: 'exact' } } }, /must index a sealed column/],
  ['sealed columns without their record id', { recordId: undefined }, /record id/],
  ['no category of data', { dataCategories: [] }, /categories/],
  ['no purpose', { purposes: [] }, /purpose/],
  ['a retention of no whole number of days', { retention: { ...store.retention, maxDays: 0.5 } }, /whole days/],
  ['a retention without its justification', { retention: { ...store.retention, justification: '' } }, /justification/],
  ['rows kept at erasure with nothing sealed', { sealed: [], blindIndexes: {}, recordId: undefined, erasure: { action: 'keep', obligation: 'x' } }, /sealed/],
  ['a linked store without a tenant column', { tenantColumn: '' }, /tenant column/],
  ['an invalid expiry column', { retention: { ...store.retention, expiresAt: 'expires at' } }, /expiry column/],
  ['rows its service removes without their record id', { sealed: [], blindIndexes: {}, recordId: undefined, retention: { ...store.retention, removedBy: 'service' } }, /record id/],
  ['rows its service removes whose retention a tenant may shorten (the remover is handed the platform maximum only)', { retention: { ...store.retention, removedBy: 'service', tenantMayShorten: true } }, /shorten/],
] as const)('refuses a store with %s', (_what, change, message) => {
  expect(() => personalDataStore({ ...store, ...change } as LinkedStore<'email'>)).toThrow(message);
});

test('refuses a store no column ties to a subject that claims an erasure, or a retention tenants would shorten without a tenant column', () => {
  const unlinked = { ...store, subject: { type: 'none' as const, reason: 'keyed hashes' }, tenantColumn: null, sealed: [], blindIndexes: {}, recordId: undefined };
  const fixedRetention: PeriodRetention = { kind: 'people', maxDays: 30, from: 'created_at', justification: 'a test', tenantMayShorten: false };
  expect(() => personalDataStore({ ...unlinked, retention: fixedRetention, erasure: { action: 'delete' } } as never)).toThrow(/retention only/);
  expect(() => personalDataStore({ ...unlinked, erasure: undefined, retention: { ...fixedRetention, tenantMayShorten: true } })).toThrow(/tenants cannot shorten/);
  expect(() => personalDataStore({ ...unlinked, erasure: undefined, retention: fixedRetention })).not.toThrow();
});

test('a store its service removes itself, with its own expiry: the purge policy says so, and names the id column handed over', () => {
  const removed = personalDataStore({ ...store, retention: { ...store.retention, tenantMayShorten: false, expiresAt: 'expires_at', removedBy: 'service' } });
  const [policy] = retentionPoliciesOf(inventory([removed]));
  expect(policy).toMatchObject({ kind: 'people', table: 'people', expiresAtColumn: 'expires_at', removedByService: { recordColumn: 'id' } });
  const [plain] = retentionPoliciesOf(inventory([personalDataStore(store)]));
  expect(plain).toMatchObject({ expiresAtColumn: null, removedByService: null });
});

test.each([
  ['a table declared twice', () => inventory([personalDataStore(store)], [{ table: 'people', reason: 'twice' }]), /declared twice: people/],
  ['a platform table declared again', () => inventory([], [{ table: 'gardien_outbox', reason: 'mine' }]), /declared twice: gardien_outbox/],
  ['an undeclared purpose', () => inventory([personalDataStore({ ...store, purposes: ['marketing'] })]), /undeclared purpose "marketing"/],
  [
    'a link through a table that is no store',
    () => inventory([personalDataStore({ ...store, table: 'notes', subject: { type: 'through', column: 'person_id', table: 'people', references: 'id' } })]),
    /through people/,
  ],
  ['a service’s store erased by destroying keys', () => inventory([personalDataStore({ ...store, erasure: { action: 'destroy-keys' } })]), /only the platform/],
  [
    'a retention kind declared twice',
    () => inventory([personalDataStore(store), personalDataStore({ ...store, table: 'others' })]),
    /retention kinds declared twice: people/,
  ],
  ['a table without personal data that does not say why', () => inventory([], [{ table: 'settings', reason: '' }]), /says why/],
  ['the platform’s purpose taken', () => declareDataInventory({ service: 'probe', processing: { 'rights-handling': processing.care }, personalData: [], noPersonalData: [] }), /the platform's/],
] as const)('refuses an inventory with %s', (_what, declare, message) => {
  expect(declare).toThrow(message);
});
