// Rule 4 of the design for the tenant service's tables: connected as the service's runtime role
// (not owner, not BYPASSRLS) with no tenant set, each table returns no rows although rows exist;
// the platform context reaches the tenants table only, never a tenant's settings or purposes.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { PLATFORM_TENANT_ID } from '@gardien/contracts';
import { CreateOutbox1732579200000, openServiceDatabase, withTenant } from '@gardien/persistence';
import { ADMIN_URL, dropTestDatabases, testDatabasePrefix } from '@gardien/testing';
import { TENANT_MIGRATIONS } from './index.js';

const TABLES = ['tenant_tenants', 'tenant_settings', 'tenant_purposes'] as const;
const prefix = testDatabasePrefix();
const tenantA = randomUUID();
const tenantB = randomUUID();
let runtime: DataSource;
let database: string;

async function seed(tenantId: string, slug: string): Promise<void> {
  await withTenant(runtime, tenantId, async (m) => {
    await m.query("INSERT INTO tenant_tenants (id, tenant_id, slug, name) VALUES ($1, $1, $2, 'n')", [tenantId, slug]);
    await m.query(`INSERT INTO tenant_settings (tenant_id, allowed_models, quotas, retention_days) VALUES ($1, '{}', '{}', '{}')`, [tenantId]);
    await m.query("INSERT INTO tenant_purposes (tenant_id, id, name, legal_basis) VALUES ($1, 'support', 'n', 'consent')", [tenantId]);
  });
}

/** Counts as the database superuser, which row security does not filter. */
async function countsAsSuperuser(): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: Object.assign(new URL(ADMIN_URL), { pathname: `/${database}` }).toString() });
  await client.connect();
  try {
    const counts: Record<string, number> = {};
    for (const table of TABLES) counts[table] = (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
    return counts;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  const opened = await openServiceDatabase({ service: 'tenant', prefix, adminUrl: ADMIN_URL, migrations: [CreateOutbox1732579200000, ...TENANT_MIGRATIONS] });
  runtime = opened.runtime;
  database = opened.db.database;
  await seed(tenantA, 'tenant-a');
  await seed(tenantB, 'tenant-b');
});

afterAll(async () => {
  await runtime?.destroy();
  await dropTestDatabases(prefix);
});

test('the runtime role owns no table, cannot bypass row security, and every table forces it', async () => {
  const [role] = await runtime.query('SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user');
  expect(role).toEqual({ rolsuper: false, rolbypassrls: false });
  const tables = await runtime.query(
    `SELECT relname, relrowsecurity, relforcerowsecurity, pg_get_userbyid(relowner) = current_user AS owned
       FROM pg_class WHERE relname = ANY($1::text[]) ORDER BY relname`,
    [[...TABLES]],
  );
  expect(tables).toEqual(
    [...TABLES].sort().map((relname) => ({ relname, relrowsecurity: true, relforcerowsecurity: true, owned: false })),
  );
});

test.each(TABLES)('%s returns no rows without a tenant set, although rows exist', async (table) => {
  expect((await countsAsSuperuser())[table]).toBe(2);
  expect(await runtime.query(`SELECT * FROM ${table}`)).toEqual([]);
});

test.each(TABLES)('%s shows a tenant its own row only', async (table) => {
  const rows: Array<{ tenant_id: string }> = await withTenant(runtime, tenantA, (m) => m.query(`SELECT tenant_id FROM ${table}`));
  expect(rows).toEqual([{ tenant_id: tenantA }]);
});

test('the platform context reaches every tenant row, and no tenant’s settings or purposes', async () => {
  const seen = await withTenant(runtime, PLATFORM_TENANT_ID, async (m) => ({
    tenants: (await m.query('SELECT id FROM tenant_tenants')).length,
    settings: (await m.query('SELECT tenant_id FROM tenant_settings')).length,
    purposes: (await m.query('SELECT tenant_id FROM tenant_purposes')).length,
  }));
  expect(seen).toEqual({ tenants: 2, settings: 0, purposes: 0 });
});

test('no tenant can be given the platform tenant’s id', async () => {
  await expect(
    withTenant(runtime, PLATFORM_TENANT_ID, (m) =>
      m.query("INSERT INTO tenant_tenants (id, tenant_id, slug, name) VALUES ($1, $1, 'platform', 'n')", [PLATFORM_TENANT_ID]),
    ),
  ).rejects.toThrow(/tenant_tenants_not_platform/);
});
