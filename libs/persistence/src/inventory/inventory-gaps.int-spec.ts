// The check that a service's data inventory accounts for its database, run on real migrations:
// the platform's own tables are all declared (so is every service with no table of its own), and
// each kind of gap is reported when a migration introduces it: an undeclared table, a declared
// table that does not exist, a table declared without personal data whose columns say otherwise,
// a declared column the table lacks, a purged table the maintenance role cannot purge, and a kept
// table whose blind index cannot be cleared.
import type { DataSource } from 'typeorm';
import { ADMIN_URL, dropTestDatabases, runAsOwner, testDatabasePrefix } from '@gardien/testing';
import { openServiceDatabase } from '../open-service-database.js';
import { PLATFORM_MIGRATIONS } from '../service-migrations.js';
import { personalDataStore } from './data-inventory.js';
import { declareDataInventory } from './declare-inventory.js';
import { NO_INVENTORY_GAPS, SUBJECT_LIKE_COLUMN, inventoryGapsIn } from './inventory-gaps.js';

const prefix = testDatabasePrefix();
let runtime: DataSource;
let database: string;

/** What a careless migration would add: one table of each flaw. */
const FLAWED_TABLES = [
  'CREATE TABLE probe_undeclared (id uuid PRIMARY KEY, user_id uuid)',
  'CREATE TABLE probe_settings (tenant_id uuid PRIMARY KEY, owner_id uuid, quota integer)',
  'CREATE TABLE probe_people (id uuid PRIMARY KEY, tenant_id uuid NOT NULL, email text, email_index text, created_at timestamptz)',
  'CREATE TABLE probe_invoices (id uuid PRIMARY KEY, tenant_id uuid NOT NULL, customer_id uuid, name text, name_index text NOT NULL)',
];

const common = { dataCategories: ['identification'], subjectCategories: ['document-subjects'], purposes: ['probe'], recipients: [] } as const;
const processing = { probe: { description: 'a test', legalBasis: 'consent', legalBasisDetail: 'a test' } } as const;

beforeAll(async () => {
  const opened = await openServiceDatabase({ service: 'inventory-probe', prefix, adminUrl: ADMIN_URL, migrations: [...PLATFORM_MIGRATIONS] });
  runtime = opened.runtime;
  database = opened.db.database;
});

afterAll(async () => {
  await runtime?.destroy();
  await dropTestDatabases(prefix);
});

test("the platform's migrations make only tables the platform declares: a service with no table of its own has no gap", async () => {
  const inventory = declareDataInventory({ service: 'inventory-probe', processing: {}, personalData: [], noPersonalData: [] });
  expect(await inventoryGapsIn(ADMIN_URL, database, inventory)).toEqual(NO_INVENTORY_GAPS);
});

test('every kind of gap a migration can open is reported', async () => {
  await runAsOwner(database, FLAWED_TABLES);
  const inventory = declareDataInventory({
    service: 'inventory-probe',
    processing,
    personalData: [
      personalDataStore({
        ...common,
        table: 'probe_people',
        description: 'people',
        subject: { type: 'column', column: 'id' },
        tenantColumn: 'tenant_id',
        recordId: 'id',
        sealed: ['email', 'nickname'],
        blindIndexes: { email_index: { source: 'email', normalise: 'email' } },
        retention: { kind: 'people', maxDays: 30, from: 'created_at', justification: 'a test', tenantMayShorten: true },
        erasure: { action: 'delete' },
      }),
      personalDataStore({
        ...common,
        table: 'probe_invoices',
        description: 'invoices',
        subject: { type: 'column', column: 'customer_id' },
        tenantColumn: 'tenant_id',
        recordId: 'id',
        sealed: ['name'],
        blindIndexes: { name_index: { source: 'name', normalise: 'exact' } },
        retention: { until: 'ten years', justification: 'a test' },
        erasure: { action: 'keep', obligation: 'accounting' },
      }),
    ],
    noPersonalData: [
      { table: 'probe_settings', reason: 'settings' },
      { table: 'probe_ghost', reason: 'never created' },
    ],
  });
  expect(await inventoryGapsIn(ADMIN_URL, database, inventory)).toEqual({
    undeclared: ['probe_undeclared'],
    missing: ['probe_ghost'],
    personalInNonPersonal: ['probe_settings.owner_id'],
    unknownColumns: ['probe_people.nickname'],
    notPurgeable: ['probe_people'],
    uncleareableIndexes: ['probe_invoices.name_index'],
  });
});

test('what counts as a column about a person', () => {
  const personal = ['user_id', 'owner_id', 'subject_id', 'patient_id', 'email', 'email_index', 'contact_email', 'phone', 'display_name', 'last_name', 'username', 'birth_date', 'ip_address', 'iban', 'nir'];
  const impersonal = ['id', 'tenant_id', 'name', 'slug', 'subject', 'key', 'kind', 'purpose', 'created_at', 'quotas', 'key_id', 'session_id', 'description'];
  expect(personal.filter((column) => !SUBJECT_LIKE_COLUMN.test(column))).toEqual([]);
  expect(impersonal.filter((column) => SUBJECT_LIKE_COLUMN.test(column))).toEqual([]);
});
