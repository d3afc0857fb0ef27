// Auth's data inventory against its database as its real migrations make it: every table accounted
// for, none that looks personal declared otherwise, every declared column present, every purged
// table purgeable by the maintenance role. A migration that adds a table without declaring it is
// caught (seen here with a table added as the owner would add it), and so is one declared wrongly.
import { DataInventory } from '@gardien/contracts';
import { NO_INVENTORY_GAPS, declaredMigrations, describeInventory, inventoryGapsIn, openServiceDatabase } from '@gardien/persistence';
import { ADMIN_URL, dropTestDatabases, runAsOwner, testDatabasePrefix } from '@gardien/testing';
import type { DataSource } from 'typeorm';
import { AUTH_INVENTORY } from './data-inventory.js';
import { AUTH_DATABASE } from './database.js';

const prefix = testDatabasePrefix();
let runtime: DataSource;
let database: string;

beforeAll(async () => {
  const opened = await openServiceDatabase({ service: 'auth', prefix, adminUrl: ADMIN_URL, migrations: declaredMigrations(AUTH_DATABASE) });
  runtime = opened.runtime;
  database = opened.db.database;
});

afterAll(async () => {
  await runtime?.destroy();
  await dropTestDatabases(prefix);
});

test('accounts for every table of the database its migrations make', async () => {
  expect(await inventoryGapsIn(ADMIN_URL, database, AUTH_INVENTORY)).toEqual(NO_INVENTORY_GAPS);
});

test('is, on the bus, what the contract says an inventory is', () => {
  const described = describeInventory(AUTH_INVENTORY);
  expect(DataInventory.parse(described)).toEqual(described);
  expect(described.personal_data.map(({ table }) => table)).toEqual([
    'auth_sessions',
    'auth_refresh_tokens',
    'auth_api_keys',
    'auth_login_throttle',
    'auth_users',
    'gardien_subject_restrictions',
    'gardien_keys.subject_keys',
  ]);
});

test('a table a migration adds without declaring it is caught; declared as holding no personal data, its user_id gives it away', async () => {
  await runAsOwner(database, ['CREATE TABLE auth_user_notes (id uuid PRIMARY KEY, tenant_id uuid NOT NULL, user_id uuid NOT NULL, note text)']);
  try {
    expect((await inventoryGapsIn(ADMIN_URL, database, AUTH_INVENTORY)).undeclared).toEqual(['auth_user_notes']);
    const careless = { ...AUTH_INVENTORY, noPersonalData: [...AUTH_INVENTORY.noPersonalData, { table: 'auth_user_notes', reason: 'notes' }] };
    expect(await inventoryGapsIn(ADMIN_URL, database, careless)).toEqual({ ...NO_INVENTORY_GAPS, personalInNonPersonal: ['auth_user_notes.user_id'] });
  } finally {
    await runAsOwner(database, ['DROP TABLE auth_user_notes']);
  }
});
