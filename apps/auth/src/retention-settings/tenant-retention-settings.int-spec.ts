// Auth applies a tenant's retention overrides of its own categories, as the tenant service answers
// them now, to the overrides its purge job reads (audited as it goes); applying them again changes
// nothing, an override removed goes back to the maximum, one that auth does not allow is left out
// (said by its kind, never its value), and a tenant that is gone changes nothing.
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import type { DataSource } from 'typeorm';
import { AuditEntry } from '@gardien/contracts';
import { declaredMigrations, openServiceDatabase, retentionPoliciesOf, tenantRetentionDays } from '@gardien/persistence';
import { ADMIN_URL, dropTestDatabases, testDatabasePrefix } from '@gardien/testing';
import { AUTH_DATABASE } from '../database.js';
import { TenantDirectory } from '../tenant-directory/tenant-directory.js';
import { TenantRetentionSettings } from './tenant-retention-settings.js';

/** The tenant service as auth sees it: each tenant's current overrides of auth's categories. */
class OverridesDirectory extends TenantDirectory {
  readonly overrides = new Map<string, Record<string, number>>();
  constructor() {
    super(undefined as never, undefined as never, undefined as never);
  }
  override async ownRetentionOverrides(tenantId: string): Promise<Record<string, number> | undefined> {
    return this.overrides.get(tenantId);
  }
}

const prefix = testDatabasePrefix();
const tenant = randomUUID();
const logLines: string[] = [];
const policy = (kind: string) => retentionPoliciesOf(AUTH_DATABASE.inventory).find((candidate) => candidate.kind === kind)!;
let runtime: DataSource;
let directory: OverridesDirectory;
let settings: TenantRetentionSettings;

beforeAll(async () => {
  ({ runtime } = await openServiceDatabase({ service: 'auth', prefix, adminUrl: ADMIN_URL, migrations: declaredMigrations(AUTH_DATABASE) }));
  directory = new OverridesDirectory();
  settings = new TenantRetentionSettings(runtime, directory, pino({ level: 'info' }, { write: (line: string) => logLines.push(line) }));
});

afterAll(async () => {
  await runtime?.destroy();
  await dropTestDatabases(prefix);
});

async function changes(): Promise<Array<AuditEntry['details']>> {
  const rows: Array<{ payload: unknown }> = await runtime.query("SELECT payload FROM gardien_outbox WHERE subject = 'gardien.audit.auth.retention.changed' ORDER BY created_at");
  return rows.map((row) => AuditEntry.parse(row.payload)).filter((entry) => entry.tenantId === tenant).map((entry) => entry.details);
}

test("a tenant's overrides are applied, once; removed, the maximum is back", async () => {
  directory.overrides.set(tenant, { 'auth.sessions': 7, 'auth.api-keys': 30 });
  expect(await settings.apply(tenant)).toBe(2);
  expect(await settings.apply(tenant)).toBe(0);
  expect(await tenantRetentionDays(runtime, policy('sessions'), tenant)).toBe(7);
  expect(await tenantRetentionDays(runtime, policy('api-keys'), tenant)).toBe(30);
  directory.overrides.set(tenant, { 'auth.api-keys': 30 });
  expect(await settings.apply(tenant)).toBe(1);
  expect(await tenantRetentionDays(runtime, policy('sessions'), tenant)).toBe(30);
  expect(await changes()).toEqual([
    { days: 7, maxDays: 30 },
    { days: 30, maxDays: 90 },
    { days: null, maxDays: 30 },
  ]);
});

test('an override auth does not allow is left out, said by its kind only; the others still apply', async () => {
  directory.overrides.set(tenant, { 'auth.api-keys': 20, 'auth.sessions': 45, 'auth.login-throttle': 1, 'auth.jean-dupont': 9 });
  expect(await settings.apply(tenant)).toBe(1);
  expect(await tenantRetentionDays(runtime, policy('api-keys'), tenant)).toBe(20);
  expect(await tenantRetentionDays(runtime, policy('sessions'), tenant)).toBe(30);
  const warnings = logLines.map((line) => JSON.parse(line) as Record<string, unknown>).filter(({ msg }) => String(msg).includes('left out'));
  expect(warnings.map(({ kind }) => kind).sort()).toEqual(['sessions', 'undeclared', 'undeclared']);
  for (const warning of warnings) expect(Object.keys(warning).filter((key) => !['level', 'time', 'pid', 'hostname', 'msg', 'tenantId', 'kind'].includes(key))).toEqual([]);
  expect(logLines.join('\n')).not.toMatch(/jean|dupont/);
});

test('a tenant that is gone changes nothing', async () => {
  expect(await settings.apply(randomUUID())).toBe(0);
});
