// The tenant service's data inventory against its database as its real migrations make it: every
// table accounted for (none of its own holds personal data, each for its reason), and a table added
// by a migration without being declared is caught.
import { DataInventory } from '@gardien/contracts';
import { NO_INVENTORY_GAPS, declaredMigrations, describeInventory, inventoryGapsIn, openServiceDatabase } from '@gardien/persistence';
import { ADMIN_URL, dropTestDatabases, runAsOwner, testDatabasePrefix } from '@gardien/testing';
import type { DataSource } from 'typeorm';
import { TENANT_INVENTORY } from './data-inventory.js';
import { TENANT_DATABASE } from './database.js';

const prefix = testDatabasePrefix();
let runtime: DataSource;
let database: string;

beforeAll(async () => {
  const opened = await openServiceDatabase({ service: 'tenant', prefix, adminUrl: ADMIN_URL, migrations: declaredMigrations(TENANT_DATABASE) });
  runtime = opened.runtime;
  database = opened.db.database;
});

afterAll(async () => {
  await runtime?.destroy();
  await dropTestDatabases(prefix);
});

test('accounts for every table of the database its migrations make', async () => {
  expect(await inventoryGapsIn(ADMIN_URL, database, TENANT_INVENTORY)).toEqual(NO_INVENTORY_GAPS);
  const described = describeInventory(TENANT_INVENTORY);
  expect(DataInventory.parse(described)).toEqual(described);
  expect(described.no_personal_data.map(({ table }) => table).slice(0, 3)).toEqual(['tenant_tenants', 'tenant_settings', 'tenant_purposes']);
});

test('a table a migration adds without declaring it is caught', async () => {
  await runAsOwner(database, ['CREATE TABLE tenant_contacts (tenant_id uuid NOT NULL, email text NOT NULL)']);
  try {
    expect(await inventoryGapsIn(ADMIN_URL, database, TENANT_INVENTORY)).toEqual({ ...NO_INVENTORY_GAPS, undeclared: ['tenant_contacts'] });
  } finally {
    await runAsOwner(database, ['DROP TABLE tenant_contacts']);
  }
});
