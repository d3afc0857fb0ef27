// The vector store's data inventory against its database as its real migrations make it: every
// table accounted for, and the inventory it answers on the bus is valid.
import { DataInventory } from '@gardien/contracts';
import { NO_INVENTORY_GAPS, declaredMigrations, describeInventory, inventoryGapsIn, openServiceDatabase } from '@gardien/persistence';
import { ADMIN_URL, dropTestDatabases, testDatabasePrefix } from '@gardien/testing';
import type { DataSource } from 'typeorm';
import { VECTOR_STORE_INVENTORY } from './data-inventory.js';
import { VECTOR_STORE_DATABASE } from './database.js';

const prefix = testDatabasePrefix();
let runtime: DataSource;
let database: string;

beforeAll(async () => {
  const opened = await openServiceDatabase({ service: 'vector-store', prefix, adminUrl: ADMIN_URL, migrations: declaredMigrations(VECTOR_STORE_DATABASE) });
  runtime = opened.runtime;
  database = opened.db.database;
});

afterAll(async () => {
  await runtime?.destroy();
  await dropTestDatabases(prefix);
});

test('accounts for every table of the database its migrations make', async () => {
  expect(await inventoryGapsIn(ADMIN_URL, database, VECTOR_STORE_INVENTORY)).toEqual(NO_INVENTORY_GAPS);
  const described = describeInventory(VECTOR_STORE_INVENTORY);
  expect(DataInventory.parse(described)).toEqual(described);
  expect(described.personal_data.slice(0, 3).map(({ table, sealed }) => ({ table, sealed }))).toEqual([
    { table: 'vector_points', sealed: [] },
    { table: 'vector_chunks', sealed: ['text'] },
    { table: 'vector_documents', sealed: [] },
  ]);
});
