// The purge deletes exactly the rows past their retention, as a data inventory declares it (the
// declared maximum, or a tenant's shorter override), in batches, and audits the count per tenant
// through the outbox; a table of no tenant is purged by its maximum and audited in the platform log.
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import type { DataSource, QueryRunner } from 'typeorm';
import { AuditEntry, ErrorCode } from '@gardien/contracts';
import { ADMIN_URL, dropTestDatabases, testDatabasePrefix } from '@gardien/testing';
import { openServiceDatabase } from '../open-service-database.js';
import { createServiceDataSource } from '../data-source.js';
import { CreateOutbox1732579200000 } from '../migrations/1732579200000-create-outbox.js';
import { CreateRetentionOverrides1732579200100 } from '../migrations/1732579200100-create-retention-overrides.js';
import { enableTenantIsolation } from '../row-level-security.js';
import { withTenant } from '../tenant-context.js';
import { allowRetentionPurge } from './retention-grants.js';
import { personalDataStore } from '../inventory/data-inventory.js';
import { declareDataInventory } from '../inventory/declare-inventory.js';
import { retentionPoliciesOf } from '../inventory/inventory-description.js';
import type { RetentionPolicy } from './retention-policy.js';
import { RetentionPurgeJob } from './retention-purge-job.js';
import { reconcileTenantRetention, setTenantRetention, tenantRetentionDays } from './tenant-retention.js';

const prefix = testDatabasePrefix();
const tenantA = randomUUID();
const tenantB = randomUUID();
const common = { sealed: [], dataCategories: ['content'], subjectCategories: ['document-subjects'], purposes: ['probe'], recipients: [] } as const;
const inventory = declareDataInventory({
  service: 'retention-probe',
  processing: { probe: { description: 'a test', legalBasis: 'consent', legalBasisDetail: 'a test' } },
  personalData: [
    personalDataStore({
      ...common,
      table: 'messages',
      description: 'messages',
      subject: { type: 'column', column: 'author' },
      tenantColumn: 'tenant_id',
      retention: { kind: 'chat-history', maxDays: 30, from: 'created_at', justification: 'test', tenantMayShorten: true },
      erasure: { action: 'delete' },
    }),
    personalDataStore({
      ...common,
      table: 'probe_counters',
      description: 'counters of no tenant',
      subject: { type: 'none', reason: 'keyed hashes' },
      tenantColumn: null,
      retention: { kind: 'probe-counters', maxDays: 2, from: 'touched_at', justification: 'test', tenantMayShorten: false },
    }),
  ],
  noPersonalData: [],
});
const [policy, counterPolicy] = retentionPoliciesOf(inventory) as [RetentionPolicy, RetentionPolicy];
let runtime: DataSource;
let maintenance: DataSource;

class CreateMessages1732579201000 {
  name = 'CreateMessages1732579201000';
  async up(runner: QueryRunner) {
    await runner.query('CREATE TABLE messages (id serial PRIMARY KEY, tenant_id uuid NOT NULL, author uuid, label text NOT NULL, created_at timestamptz NOT NULL)');
    await enableTenantIsolation(runner, 'messages');
    await allowRetentionPurge(runner, 'messages');
    await runner.query('CREATE TABLE probe_counters (key text PRIMARY KEY, touched_at timestamptz NOT NULL)');
    await allowRetentionPurge(runner, 'probe_counters');
  }
  async down(runner: QueryRunner) {
    await runner.query('DROP TABLE probe_counters');
    await runner.query('DROP TABLE messages');
  }
}

async function insert(tenantId: string, label: string, ageDays: number) {
  await withTenant(runtime, tenantId, (m) =>
    m.query("INSERT INTO messages (tenant_id, label, created_at) VALUES ($1, $2, now() - make_interval(days => $3))", [tenantId, label, ageDays]),
  );
}

async function labels(tenantId: string): Promise<string[]> {
  const rows: Array<{ label: string }> = await withTenant(runtime, tenantId, (m) => m.query('SELECT label FROM messages ORDER BY label'));
  return rows.map((r) => r.label);
}

async function purgeAudits(): Promise<AuditEntry[]> {
  const rows: Array<{ payload: unknown }> = await runtime.query("SELECT payload FROM gardien_outbox WHERE subject = 'gardien.audit.retention-probe.retention.purged'");
  return rows.map((r) => AuditEntry.parse(r.payload));
}

beforeAll(async () => {
  let maintenanceUrl: string;
  ({ runtime, maintenanceUrl } = await openServiceDatabase({ service: 'retention-probe', prefix, adminUrl: ADMIN_URL, migrations: [CreateOutbox1732579200000, CreateRetentionOverrides1732579200100, CreateMessages1732579201000] }));
  maintenance = createServiceDataSource({ url: maintenanceUrl, applicationName: 'retention-test-maint', poolSize: 1 });
  await maintenance.initialize();
  for (const [label, age] of [['a-40d', 40], ['a-31d', 31], ['a-29d', 29], ['a-1d', 1]] as const) await insert(tenantA, label, age);
  for (const [label, age] of [['b-40d', 40], ['b-10d', 10], ['b-6d', 6]] as const) await insert(tenantB, label, age);
  await setTenantRetention(runtime, policy, 7, { service: 'retention-probe', tenantId: tenantB, author: { user: 'admin-b' } });
});

afterAll(async () => {
  await runtime?.destroy();
  await maintenance?.destroy();
  await dropTestDatabases(prefix);
});

test('a tenant may shorten its retention, never lengthen it past the declared maximum', async () => {
  expect(await tenantRetentionDays(runtime, policy, tenantB)).toBe(7);
  expect(await tenantRetentionDays(runtime, policy, tenantA)).toBe(30);
  await expect(setTenantRetention(runtime, policy, 31, { service: 'retention-probe', tenantId: tenantA, author: { user: 'admin-a' } })).rejects.toMatchObject({
    code: ErrorCode.ValidationFailed,
  });
  expect(await tenantRetentionDays(runtime, policy, tenantA)).toBe(30);
});

test('the purge deletes exactly the expired rows, in batches, and audits the count per tenant', async () => {
  const job = new RetentionPurgeJob(maintenance, 'retention-probe', [policy], pino({ level: 'silent' }), { batchSize: 1 });
  expect(policy).toMatchObject({ kind: 'chat-history', table: 'messages', tenantColumn: 'tenant_id', tenantMayShorten: true });
  expect(await job.runOnce()).toEqual([{ kind: 'chat-history', deleted: 4, tenants: 2 }]);
  expect(await labels(tenantA)).toEqual(['a-1d', 'a-29d']);
  expect(await labels(tenantB)).toEqual(['b-6d']);

  const audits = await purgeAudits();
  const total = (tenantId: string) => audits.filter((a) => a.tenantId === tenantId).reduce((sum, a) => sum + Number(a.details.count), 0);
  expect(total(tenantA)).toBe(2);
  expect(total(tenantB)).toBe(2);
  expect(audits.find((a) => a.tenantId === tenantB)?.details.days).toBe(7);
  expect(JSON.stringify(audits)).not.toMatch(/a-40d|b-40d|b-10d|a-31d/);

  // Nothing left to purge: nothing deleted, nothing audited.
  expect(await job.runOnce()).toEqual([{ kind: 'chat-history', deleted: 0, tenants: 0 }]);
  expect(await purgeAudits()).toHaveLength(audits.length);
});

test('the maintenance role may not write or read other tables', async () => {
  await expect(maintenance.query("UPDATE messages SET label = 'x'")).rejects.toThrow(/permission denied/);
  await expect(maintenance.query("INSERT INTO messages (tenant_id, label, created_at) VALUES ($1, 'x', now())", [tenantA])).rejects.toThrow(/permission denied/);
  await expect(maintenance.query('SELECT * FROM gardien_migrations')).rejects.toThrow(/permission denied/);
});

test('a table of no tenant is purged by its declared maximum, and audited in the platform log', async () => {
  await runtime.query("INSERT INTO probe_counters (key, touched_at) VALUES ('old', now() - interval '3 days'), ('new', now() - interval '1 day')");
  const job = new RetentionPurgeJob(maintenance, 'retention-probe', [counterPolicy], pino({ level: 'silent' }));
  expect(await job.runOnce()).toEqual([{ kind: 'probe-counters', deleted: 1, tenants: 1 }]);
  expect(await runtime.query('SELECT key FROM probe_counters')).toEqual([{ key: 'new' }]);
  const rows: Array<{ payload: unknown }> = await runtime.query("SELECT payload FROM gardien_outbox WHERE payload->'target'->>'id' = 'probe-counters'");
  expect(rows.map((row) => AuditEntry.parse(row.payload)).map(({ tenantId, details }) => ({ tenantId, details }))).toEqual([{ tenantId: null, details: { count: 1, days: 2 } }]);
});

test('a tenant may not shorten a retention its inventory does not let tenants shorten', async () => {
  await expect(setTenantRetention(runtime, counterPolicy, 1, { service: 'retention-probe', tenantId: tenantA, author: { user: 'admin-a' } })).rejects.toMatchObject({
    code: ErrorCode.ValidationFailed,
    details: [{ path: 'days', reason: 'not_shortenable' }],
  });
});

test("a service applies a tenant's overrides as given: set, unchanged when applied again, removed back to the maximum; audited each time one changes", async () => {
  const tenant = randomUUID();
  const change = { service: 'retention-probe', tenantId: tenant, author: { system: 'retention-probe' } };
  const changes = async () => ((await runtime.query("SELECT payload FROM gardien_outbox WHERE subject = 'gardien.audit.retention-probe.retention.changed' AND payload->>'tenantId' = $1", [tenant])) as Array<{ payload: unknown }>).map((row) => AuditEntry.parse(row.payload).details);
  expect(await reconcileTenantRetention(runtime, [policy], { 'chat-history': 10 }, change)).toBe(1);
  expect(await reconcileTenantRetention(runtime, [policy], { 'chat-history': 10 }, change)).toBe(0);
  expect(await tenantRetentionDays(runtime, policy, tenant)).toBe(10);
  expect(await reconcileTenantRetention(runtime, [policy], {}, change)).toBe(1);
  expect(await tenantRetentionDays(runtime, policy, tenant)).toBe(30);
  expect(await changes()).toEqual([
    { days: 10, maxDays: 30 },
    { days: null, maxDays: 30 },
  ]);
  // What the inventory does not allow is refused whole, and nothing is written.
  await expect(reconcileTenantRetention(runtime, [policy, counterPolicy], { 'chat-history': 5, 'probe-counters': 1 }, change)).rejects.toMatchObject({ code: ErrorCode.ValidationFailed });
  await expect(reconcileTenantRetention(runtime, [policy], { 'chat-history': 31 }, change)).rejects.toMatchObject({ code: ErrorCode.ValidationFailed });
  expect(await tenantRetentionDays(runtime, policy, tenant)).toBe(30);
});
