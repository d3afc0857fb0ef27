// Auth's retention, as its data inventory declares it, enforced by the platform's purge job as the
// maintenance role on the real migrations: ended sessions 30 days after their end (with their
// refresh tokens; a tenant may shorten it), API keys 90 days after their expiry, login counters a
// day after they last changed (no tenant may change that; audited in the platform log). What the
// private janitor of the throttle did, and the hand-kept table of maxima, are gone into this.
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import type { DataSource } from 'typeorm';
import { AuditEntry } from '@gardien/contracts';
import { RetentionPurgeJob, createServiceDataSource, declaredMigrations, openServiceDatabase, retentionPoliciesOf, setTenantRetention, withTenant } from '@gardien/persistence';
import { ADMIN_URL, dropTestDatabases, testDatabasePrefix } from '@gardien/testing';
import { LoginThrottleRepository } from './brute-force/login-throttle.repository.js';
import { LoginThrottle } from './brute-force/login-throttle.service.js';
import { AUTH_DATABASE } from './database.js';
import { SessionsRepository } from './sessions/sessions.repository.js';
import { SessionsService } from './sessions/sessions.service.js';

const DAY = 86_400_000;
const prefix = testDatabasePrefix();
const tenant = randomUUID();
const shortening = randomUUID();
let runtime: DataSource;
let maintenance: DataSource;

beforeAll(async () => {
  let maintenanceUrl: string;
  ({ runtime, maintenanceUrl } = await openServiceDatabase({ service: 'auth', prefix, adminUrl: ADMIN_URL, migrations: declaredMigrations(AUTH_DATABASE) }));
  maintenance = createServiceDataSource({ url: maintenanceUrl, applicationName: 'auth-retention-test', poolSize: 1 });
  await maintenance.initialize();
});

afterAll(async () => {
  await maintenance?.destroy();
  await runtime?.destroy();
  await dropTestDatabases(prefix);
});

const purgeJob = () => new RetentionPurgeJob(maintenance, 'auth', retentionPoliciesOf(AUTH_DATABASE.inventory), pino({ level: 'silent' }));

async function purgeAudits(kind: string): Promise<AuditEntry[]> {
  const rows: Array<{ payload: unknown }> = await runtime.query("SELECT payload FROM gardien_outbox WHERE subject = 'gardien.audit.auth.retention.purged'");
  return rows.map((row) => AuditEntry.parse(row.payload)).filter((entry) => entry.target?.id === kind);
}

async function insertApiKey(tenantId: string, expiresAt: Date): Promise<string> {
  const id = randomUUID();
  await withTenant(runtime, tenantId, (m) =>
    m.query("INSERT INTO auth_api_keys (id, tenant_id, owner_id, name, purpose, key_hash, expires_at, created_at) VALUES ($1, $2, $3, 'k', 'support', $4, $5, now())", [
      id,
      tenantId,
      randomUUID(),
      randomUUID(),
      expiresAt,
    ]),
  );
  return id;
}

test('the purge runs exactly the periods the inventory declares', () => {
  expect(retentionPoliciesOf(AUTH_DATABASE.inventory).map(({ kind, table, timestampColumn, maxDays, tenantMayShorten }) => ({ kind, table, timestampColumn, maxDays, tenantMayShorten }))).toEqual([
    { kind: 'sessions', table: 'auth_sessions', timestampColumn: 'expires_at', maxDays: 30, tenantMayShorten: true },
    { kind: 'api-keys', table: 'auth_api_keys', timestampColumn: 'expires_at', maxDays: 90, tenantMayShorten: true },
    { kind: 'login-throttle', table: 'auth_login_throttle', timestampColumn: 'updated_at', maxDays: 1, tenantMayShorten: false },
  ]);
});

test('sessions past their end by more than 30 days (or a tenant’s shorter period) are purged with their refresh tokens; recent ones stay', async () => {
  const sessions = new SessionsService(runtime, new SessionsRepository());
  const old = await sessions.open(tenant, randomUUID(), new Date(Date.now() - 45 * DAY));
  const recent = await sessions.open(tenant, randomUUID(), new Date(Date.now() - 10 * DAY));
  const shortened = await sessions.open(shortening, randomUUID(), new Date(Date.now() - 10 * DAY));
  const sessionPolicy = retentionPoliciesOf(AUTH_DATABASE.inventory).find(({ kind }) => kind === 'sessions')!;
  await setTenantRetention(runtime, sessionPolicy, 7, { service: 'auth', tenantId: shortening, author: { user: 'admin' } });

  const reports = await purgeJob().runOnce();
  expect(reports.find(({ kind }) => kind === 'sessions')).toEqual({ kind: 'sessions', deleted: 2, tenants: 2 });
  expect(await withTenant(runtime, tenant, (m) => m.query('SELECT id FROM auth_sessions'))).toEqual([{ id: recent.sessionId }]);
  expect(await withTenant(runtime, tenant, (m) => m.query('SELECT session_id FROM auth_refresh_tokens'))).toEqual([{ session_id: recent.sessionId }]);
  expect(await withTenant(runtime, shortening, (m) => m.query('SELECT id FROM auth_sessions'))).toEqual([]);
  expect([old.sessionId, shortened.sessionId]).not.toContain(recent.sessionId);
  expect((await purgeAudits('sessions')).map(({ tenantId, details }) => ({ tenantId, details })).sort((a, b) => a.tenantId!.localeCompare(b.tenantId!))).toEqual(
    [
      { tenantId: tenant, details: { count: 1, days: 30 } },
      { tenantId: shortening, details: { count: 1, days: 7 } },
    ].sort((a, b) => a.tenantId.localeCompare(b.tenantId)),
  );
});

test('API keys are purged 90 days after their expiry', async () => {
  const expiredLongAgo = await insertApiKey(tenant, new Date(Date.now() - 100 * DAY));
  const expiredRecently = await insertApiKey(tenant, new Date(Date.now() - 10 * DAY));
  const live = await insertApiKey(tenant, new Date(Date.now() + 10 * DAY));
  await purgeJob().runOnce();
  const left: Array<{ id: string }> = await withTenant(runtime, tenant, (m) => m.query('SELECT id FROM auth_api_keys'));
  expect(left.map(({ id }) => id).sort()).toEqual([expiredRecently, live].sort());
  expect(left.map(({ id }) => id)).not.toContain(expiredLongAgo);
});

test('login counters untouched for a day are purged, whatever their state, and audited in the platform log; others stay', async () => {
  const throttle = new LoginThrottle(runtime, new LoginThrottleRepository());
  await throttle.reserve({ account: 'account:stale', source: 'source:stale' });
  // Given back: a counter at zero failures, which the purge reaches by its last change all the same.
  await throttle.giveBack({ account: 'account:stale', source: 'source:stale' });
  await throttle.reserve({ account: 'account:recent', source: 'source:recent' });
  await runtime.query("UPDATE auth_login_throttle SET updated_at = now() - interval '25 hours' WHERE key LIKE '%:stale'");
  const stale: Array<{ failures: number; last_failure_at: Date | null }> = await runtime.query("SELECT failures, last_failure_at FROM auth_login_throttle WHERE key = 'account:stale'");
  expect(stale).toEqual([{ failures: 0, last_failure_at: expect.any(Date) }]);

  const reports = await purgeJob().runOnce();
  expect(reports.find(({ kind }) => kind === 'login-throttle')).toEqual({ kind: 'login-throttle', deleted: 2, tenants: 1 });
  const keys: Array<{ key: string }> = await runtime.query('SELECT key FROM auth_login_throttle ORDER BY key');
  expect(keys.map(({ key }) => key)).toEqual(['account:recent', 'source:recent']);
  expect((await purgeAudits('login-throttle')).map(({ tenantId, details }) => ({ tenantId, details }))).toEqual([{ tenantId: null, details: { count: 2, days: 1 } }]);
});

test('no tenant may change the retention of login counters', async () => {
  const throttlePolicy = retentionPoliciesOf(AUTH_DATABASE.inventory).find(({ kind }) => kind === 'login-throttle')!;
  await expect(setTenantRetention(runtime, throttlePolicy, 1, { service: 'auth', tenantId: tenant, author: { user: 'admin' } })).rejects.toMatchObject({
    details: [{ path: 'days', reason: 'not_shortenable' }],
  });
});
