// Ended sessions are purged 30 days after their absolute end by the platform's retention job, as
// the maintenance role; their refresh tokens go with them; the purge is audited.
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import type { DataSource } from 'typeorm';
import { CreateOutbox1732579200000, CreateRetentionOverrides1732579200100, RetentionPurgeJob, createServiceDataSource, openServiceDatabase, serviceDatabase, urlFor, withTenant } from '@gardien/persistence';
import { ADMIN_URL, dropTestDatabases, testDatabasePrefix } from '@gardien/testing';
import { AUTH_MIGRATIONS } from '../migrations/index.js';
import { SESSION_RETENTION } from './session-retention.js';
import { SessionsService } from './sessions.service.js';
import { SessionsRepository } from './sessions.repository.js';

const prefix = testDatabasePrefix();
const tenant = randomUUID();
let runtime: DataSource;
let maintenance: DataSource;

beforeAll(async () => {
  ({ runtime } = await openServiceDatabase({ service: 'auth', prefix, adminUrl: ADMIN_URL, migrations: [CreateOutbox1732579200000, CreateRetentionOverrides1732579200100, ...AUTH_MIGRATIONS] }));
  const db = serviceDatabase('auth', prefix);
  maintenance = createServiceDataSource({ url: urlFor(ADMIN_URL, db.database, db.maintenanceRole), applicationName: 'auth-retention-test', poolSize: 1 });
  await maintenance.initialize();
});

afterAll(async () => {
  await maintenance?.destroy();
  await runtime?.destroy();
  await dropTestDatabases(prefix);
});

test('sessions past their end by more than 30 days are purged with their refresh tokens; recent ones stay', async () => {
  const sessions = new SessionsService(runtime, new SessionsRepository());
  const old = await sessions.open(tenant, randomUUID(), new Date(Date.now() - 45 * 86_400_000));
  const recent = await sessions.open(tenant, randomUUID(), new Date(Date.now() - 10 * 86_400_000));
  const job = new RetentionPurgeJob(maintenance, 'auth', [SESSION_RETENTION], pino({ level: 'silent' }));
  const [report] = await job.runOnce();
  expect(report).toMatchObject({ kind: 'sessions', deleted: 1 });
  const left = await withTenant(runtime, tenant, (m) => m.query('SELECT id FROM auth_sessions ORDER BY created_at'));
  expect(left).toEqual([{ id: recent.sessionId }]);
  const tokens = await withTenant(runtime, tenant, (m) => m.query('SELECT session_id FROM auth_refresh_tokens'));
  expect(tokens).toEqual([{ session_id: recent.sessionId }]);
  expect(old.sessionId).not.toBe(recent.sessionId);
  const audits = await runtime.query(`SELECT payload FROM gardien_outbox WHERE subject = 'gardien.audit.auth.retention.purged'`);
  expect(audits).toHaveLength(1);
});
