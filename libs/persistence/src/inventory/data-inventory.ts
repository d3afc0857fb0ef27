// One data inventory per service, declared in the service's code and given to the platform with its
// database: every table of the service's database is either a store of personal data (how a row
// belongs to a subject and a tenant, which columns are sealed or blind-indexed, categories,
// purposes and their legal basis, retention, recipients, what erasure does) or a table without
// personal data, with the reason. From this one declaration come the codec of sealed columns, the
// retention purge, the subject operations (export, erase, restrict) and the inventory the service
// answers on the bus. The platform's own tables (outbox, keys, restrictions...) are added to it by
// declareDataInventory.
import type { DataCategory, InventoryErasure, SubjectCategory, SubjectLink, LegalBasis } from '@gardien/contracts';
import type { PersonalDataDeclaration } from '../personal-data/personal-data.js';

export interface ProcessingDeclaration {
  description: string;
  legalBasis: LegalBasis;
  /** The contract, the obligation or the legitimate interest relied on. */
  legalBasisDetail: string;
}

export interface PeriodRetention {
  /** The category tenants' overrides name (`<service>.<kind>`) and purge audit entries record. */
  kind: string;
  maxDays: number;
  /** The timestamp column the period runs from. */
  from: string;
  justification: string;
  /** Whether a tenant may shorten it; never for a table without a tenant column. */
  tenantMayShorten: boolean;
  /** A column holding the row's own, earlier expiry (null: the period only): the row expires at the earlier of the two. */
  expiresAt?: string;
  /**
   * `service`: the service removes its expired rows itself (what they hold outside the database,
   * vectors in Qdrant, goes with them): the purge finds them and hands their ids to the remover the
   * service registers, and never deletes them by SQL. Needs the store's record id.
   */
  removedBy?: 'service';
}

export interface LifetimeRetention {
  /** The event of the row's life it is deleted with ("the account is deleted"). */
  until: string;
  justification: string;
}

export type RetentionDeclaration = PeriodRetention | LifetimeRetention;

interface StoreCommon<C extends string> extends PersonalDataDeclaration<C> {
  description: string;
  /** The column sealed values are bound to as their record (AAD): required when `sealed` is not empty. */
  recordId?: string;
  /** Columns an export leaves out, with why (credential verifiers, key material). */
  withheld?: Readonly<Record<string, string>>;
  dataCategories: readonly DataCategory[];
  subjectCategories: readonly SubjectCategory[];
  /** Ids of the inventory's processing activities. */
  purposes: readonly string[];
  retention: RetentionDeclaration;
  recipients: readonly string[];
}

/** A table whose rows belong to a subject of a tenant: exported, erased and restricted by subject. */
export interface LinkedStore<C extends string = string> extends StoreCommon<C> {
  subject: Exclude<SubjectLink, { type: 'none' }>;
  tenantColumn: string;
  erasure: InventoryErasure;
}

/** Personal data no column ties to a subject (keyed hashes): kept no longer than its retention. */
export interface UnlinkedStore<C extends string = string> extends StoreCommon<C> {
  subject: Extract<SubjectLink, { type: 'none' }>;
  tenantColumn: string | null;
  retention: PeriodRetention;
  erasure?: never;
}

export type PersonalDataStore<C extends string = string> = LinkedStore<C> | UnlinkedStore<C>;

export interface NonPersonalTableDeclaration {
  table: string;
  reason: string;
}

export interface DataInventoryDeclaration {
  service: string;
  processing: Readonly<Record<string, ProcessingDeclaration>>;
  personalData: readonly PersonalDataStore[];
  noPersonalData: readonly NonPersonalTableDeclaration[];
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
export const TABLE_NAME = /^[a-z_][a-z0-9_]{0,62}(\.[a-z_][a-z0-9_]{0,62})?$/;
export const INVENTORY_SLUG = /^[a-z][a-z0-9-]{1,62}$/;

export function isPeriodRetention(retention: RetentionDeclaration): retention is PeriodRetention {
  return 'maxDays' in retention;
}

export function isLinked<C extends string>(store: PersonalDataStore<C>): store is LinkedStore<C> {
  return store.subject.type !== 'none';
}

/** A store of personal data, checked: invalid names, inconsistent links, retention or erasure throw at load. */
export function personalDataStore<C extends string>(store: LinkedStore<C>): LinkedStore<C>;
export function personalDataStore<C extends string>(store: UnlinkedStore<C>): UnlinkedStore<C>;
export function personalDataStore<C extends string>(store: PersonalDataStore<C>): PersonalDataStore<C> {
  const fail = (why: string): never => {
    throw new Error(`personal data of "${store.table}": ${why}`);
  };
  if (!TABLE_NAME.test(store.table)) fail('invalid table name');
  const columns = [
    ...store.sealed,
    ...Object.keys(store.blindIndexes ?? {}),
    ...Object.keys(store.withheld ?? {}),
    ...(store.recordId ? [store.recordId] : []),
    ...(store.tenantColumn ? [store.tenantColumn] : []),
    ...linkColumns(store.subject),
  ];
  for (const column of columns) if (!IDENTIFIER.test(column)) fail(`invalid column name "${column}"`);
  for (const [index, { source }] of Object.entries(store.blindIndexes ?? {})) {
    if (!store.sealed.includes(source)) fail(`blind index ${index} must index a sealed column, not "${source}"`);
  }
  if (store.sealed.length > 0 && !store.recordId) fail('sealed columns need the record id their values are bound to');
  if (store.dataCategories.length === 0 || store.subjectCategories.length === 0) fail('categories of data and of subjects are required');
  if (store.purposes.length === 0) fail('at least one purpose is required');
  checkRetention(store, fail);
  if (isLinked(store)) {
    if (!store.tenantColumn) fail('a store linked to subjects needs its tenant column');
    if (store.erasure.action === 'keep' && store.sealed.length === 0) fail('rows kept at erasure must have their personal columns sealed');
  } else if (store.erasure !== undefined) {
    fail('a store no column ties to a subject is erased by its retention only');
  }
  return Object.freeze({ ...store });
}

function checkRetention(store: PersonalDataStore, fail: (why: string) => never): void {
  const { retention } = store;
  if (!isPeriodRetention(retention)) {
    if (!retention.until || !retention.justification) fail('a retention until an event needs the event and a justification');
    return;
  }
  if (!INVENTORY_SLUG.test(retention.kind)) fail(`retention kind "${retention.kind}" is not a slug`);
  if (!IDENTIFIER.test(retention.from)) fail('invalid retention timestamp column');
  if (!Number.isInteger(retention.maxDays) || retention.maxDays < 1 || retention.maxDays > 36_500) fail('retention must be 1 to 36500 whole days');
  if (!retention.justification) fail('a retention needs its justification');
  if (retention.tenantMayShorten && !store.tenantColumn) fail('tenants cannot shorten the retention of a table without a tenant column');
  if (retention.expiresAt !== undefined && !IDENTIFIER.test(retention.expiresAt)) fail('invalid retention expiry column');
  if (retention.removedBy === 'service' && !store.recordId) fail('rows a service removes itself need their record id');
  // The purge hands a service's remover the rows past the platform's maximum: a tenant's shorter setting would not apply.
  if (retention.removedBy === 'service' && retention.tenantMayShorten) fail('tenants cannot shorten the retention of rows a service removes itself');
}

function linkColumns(link: SubjectLink): string[] {
  switch (link.type) {
    case 'column':
      return [link.column];
    case 'through':
      return [link.column, link.references];
    case 'none':
      return [];
  }
}
