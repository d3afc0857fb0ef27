// Rule 4 of the design: a tenant table returns nothing to a transaction that set no tenant, and
// only the tenant's rows to one that did; writes for another tenant are refused. Checked as the
// runtime role, which owns nothing and cannot bypass row-level security.
import { randomUUID } from 'node:crypto';
import type { DataSource, QueryRunner } from 'typeorm';
import { PLATFORM_TENANT_ID } from '@gardien/contracts';
import { ADMIN_URL, dropTestDatabases, testDatabasePrefix } from '@gardien/testing';

import { openServiceDatabase } from './open-service-database.js';
import { enableTenantIsolation } from './row-level-security.js';
import { serviceDatabase } from './service-database.js';
import { withTenant } from './tenant-context.js';

const prefix = testDatabasePrefix();
const db = serviceDatabase('rls-probe', prefix);
const tenantA = randomUUID();
const tenantB = randomUUID();
let runtime: DataSource;

class CreateNotes1732579200002 {
  name = 'CreateNotes1732579200002';
  async up(runner: QueryRunner) {
    await runner.query('CREATE TABLE notes (id serial PRIMARY KEY, tenant_id uuid NOT NULL, label text NOT NULL)');
    await enableTenantIsolation(runner, 'notes');
  }
  async down(runner: QueryRunner) {
    await runner.query('DROP TABLE notes');
  }
}

/** A table the super-admin manages across tenants: the platform tenant reads and writes every row. */
class CreateRegistry1732579200003 {
  name = 'CreateRegistry1732579200003';
  async up(runner: QueryRunner) {
    await runner.query('CREATE TABLE registry (id serial PRIMARY KEY, tenant_id uuid NOT NULL, label text NOT NULL)');
    await enableTenantIsolation(runner, 'registry', { platformAccess: true });
  }
  async down(runner: QueryRunner) {
    await runner.query('DROP TABLE registry');
  }
}

beforeAll(async () => {
  const migrations = [CreateNotes1732579200002, CreateRegistry1732579200003];
  const first = await openServiceDatabase({ service: 'rls-probe', prefix, adminUrl: ADMIN_URL, migrations });
  await first.runtime.destroy();
  // Provisioning twice changes nothing and does not fail.
  ({ runtime } = await openServiceDatabase({ service: 'rls-probe', prefix, adminUrl: ADMIN_URL, migrations }));
  await withTenant(runtime, tenantA, (m) => m.query("INSERT INTO notes (tenant_id, label) VALUES ($1, 'a1'), ($1, 'a2')", [tenantA]));
  await withTenant(runtime, tenantB, (m) => m.query("INSERT INTO notes (tenant_id, label) VALUES ($1, 'b1')", [tenantB]));
  await withTenant(runtime, tenantA, (m) => m.query("INSERT INTO registry (tenant_id, label) VALUES ($1, 'a')", [tenantA]));
  await withTenant(runtime, tenantB, (m) => m.query("INSERT INTO registry (tenant_id, label) VALUES ($1, 'b')", [tenantB]));
});

afterAll(async () => {
  await runtime?.destroy();
  await dropTestDatabases(prefix);
});

test('the runtime role is not superuser, cannot bypass RLS, and owns no table', async () => {
  const [role] = await runtime.query(
    'SELECT current_user AS name, rolsuper, rolbypassrls, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = current_user',
  );
  expect(role).toEqual({ name: db.runtimeRole, rolsuper: false, rolbypassrls: false, rolcreatedb: false, rolcreaterole: false });
  const owned = await runtime.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user");
  expect(owned).toEqual([]);
  const [table] = await runtime.query("SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = 'notes'");
  expect(table).toEqual({ relrowsecurity: true, relforcerowsecurity: true });
});

test('without a tenant set, a tenant table returns no rows', async () => {
  expect(await runtime.query('SELECT * FROM notes')).toEqual([]);
  // Also after a transaction that did set one on the same pooled connection.
  await withTenant(runtime, tenantA, (m) => m.query('SELECT 1'));
  expect(await runtime.query('SELECT * FROM notes')).toEqual([]);
});

test('with a tenant set, only that tenant’s rows are visible', async () => {
  const rowsA = await withTenant(runtime, tenantA, (m) => m.query('SELECT label FROM notes ORDER BY label'));
  expect(rowsA).toEqual([{ label: 'a1' }, { label: 'a2' }]);
  const rowsB = await withTenant(runtime, tenantB, (m) => m.query('SELECT label FROM notes'));
  expect(rowsB).toEqual([{ label: 'b1' }]);
});

test('writing a row of another tenant, or with no tenant set, is refused', async () => {
  await expect(
    withTenant(runtime, tenantA, (m) => m.query("INSERT INTO notes (tenant_id, label) VALUES ($1, 'x')", [tenantB])),
  ).rejects.toThrow(/row-level security/);
  await expect(runtime.query("INSERT INTO notes (tenant_id, label) VALUES ($1, 'x')", [tenantA])).rejects.toThrow(/row-level security/);
  const updated = await withTenant(runtime, tenantA, (m) => m.query("UPDATE notes SET label = 'hijack' WHERE tenant_id = $1", [tenantB]));
  expect(updated[1]).toBe(0);
});

test('the runtime role cannot change the schema or drop the policy', async () => {
  await expect(runtime.query('ALTER TABLE notes DISABLE ROW LEVEL SECURITY')).rejects.toThrow(/must be owner/);
  await expect(runtime.query('CREATE TABLE intruder (id int)')).rejects.toThrow(/permission denied/);
});

test('a tenant id that is not a uuid is refused before reaching the database', async () => {
  await expect(withTenant(runtime, "x' OR '1'='1", async () => 1)).rejects.toThrow(/uuid/);
});

describe('with platform access', () => {
  const labels = (rows: Array<{ label: string }>) => rows.map((r) => r.label).sort();

  test('without a tenant set, the table still returns no rows and takes none', async () => {
    expect(await runtime.query('SELECT * FROM registry')).toEqual([]);
    await expect(runtime.query("INSERT INTO registry (tenant_id, label) VALUES ($1, 'x')", [tenantA])).rejects.toThrow(/row-level security/);
  });

  test('a tenant sees and writes only its own rows', async () => {
    expect(labels(await withTenant(runtime, tenantA, (m) => m.query('SELECT label FROM registry')))).toEqual(['a']);
    await expect(
      withTenant(runtime, tenantA, (m) => m.query("INSERT INTO registry (tenant_id, label) VALUES ($1, 'x')", [tenantB])),
    ).rejects.toThrow(/row-level security/);
    const updated = await withTenant(runtime, tenantA, (m) => m.query("UPDATE registry SET label = 'hijack' WHERE tenant_id = $1", [tenantB]));
    expect(updated[1]).toBe(0);
  });

  test('the platform tenant sees every row and may write any tenant’s', async () => {
    expect(labels(await withTenant(runtime, PLATFORM_TENANT_ID, (m) => m.query('SELECT label FROM registry')))).toEqual(['a', 'b']);
    const other = randomUUID();
    await withTenant(runtime, PLATFORM_TENANT_ID, (m) => m.query("INSERT INTO registry (tenant_id, label) VALUES ($1, 'c')", [other]));
    expect(labels(await withTenant(runtime, other, (m) => m.query('SELECT label FROM registry')))).toEqual(['c']);
  });

  test('the default policy gives the platform tenant nothing', async () => {
    expect(await withTenant(runtime, PLATFORM_TENANT_ID, (m) => m.query('SELECT * FROM notes'))).toEqual([]);
  });
});
