// Sessions against the machine's Postgres, as the auth runtime role under row-level security:
// rotation, reuse detection (the whole session dies), idle and absolute timeouts, logout; each end
// audited through the outbox with ids only.
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AuditEntry, ErrorCode } from '@gardien/contracts';
import { CreateOutbox1732579200000, openServiceDatabase, withTenant } from '@gardien/persistence';
import { ADMIN_URL, dropTestDatabases, testDatabasePrefix } from '@gardien/testing';
import { CreateSessions1732580200000 } from '../migrations/1732580200000-create-sessions.js';
import { AddSessionMfa1732580350000 } from '../migrations/1732580350000-add-session-mfa.js';
import { hashRefreshToken } from './refresh-token.js';
import { ABSOLUTE_LIFETIME_MS, IDLE_TIMEOUT_MS, SessionsService } from './sessions.service.js';
import { SessionsRepository } from './sessions.repository.js';

const prefix = testDatabasePrefix();
const tenant = randomUUID();
let runtime: DataSource;
let sessions: SessionsService;

beforeAll(async () => {
  ({ runtime } = await openServiceDatabase({ service: 'auth', prefix, adminUrl: ADMIN_URL, migrations: [CreateOutbox1732579200000, CreateSessions1732580200000, AddSessionMfa1732580350000] }));
  sessions = new SessionsService(runtime, new SessionsRepository());
});

afterAll(async () => {
  await runtime?.destroy();
  await dropTestDatabases(prefix);
});

const refused = (promise: Promise<unknown>) => expect(promise).rejects.toMatchObject({ code: ErrorCode.Unauthenticated });

async function audits(action: string): Promise<AuditEntry[]> {
  const rows: Array<{ payload: unknown }> = await runtime.query('SELECT payload FROM gardien_outbox WHERE subject = $1', [`gardien.audit.auth.${action}`]);
  return rows.map((r) => AuditEntry.parse(r.payload));
}

test('each refresh gives a new token and spends the old one', async () => {
  const user = randomUUID();
  const t0 = new Date('2026-11-25T10:00:00Z');
  const opened = await sessions.open(tenant, user, t0);
  const second = await sessions.refresh(opened.refreshToken, new Date(t0.getTime() + 60_000));
  expect(second).toMatchObject({ sessionId: opened.sessionId, userId: user, tenantId: tenant });
  expect(second.refreshToken).not.toBe(opened.refreshToken);
  const third = await sessions.refresh(second.refreshToken, new Date(t0.getTime() + 120_000));
  expect(third.sessionId).toBe(opened.sessionId);
});

test('reusing a spent token revokes the whole session, and is audited', async () => {
  const user = randomUUID();
  const t0 = new Date('2026-11-25T11:00:00Z');
  const opened = await sessions.open(tenant, user, t0);
  const next = await sessions.refresh(opened.refreshToken, new Date(t0.getTime() + 1_000));
  await refused(sessions.refresh(opened.refreshToken, new Date(t0.getTime() + 2_000)));
  await refused(sessions.refresh(next.refreshToken, new Date(t0.getTime() + 3_000)));
  const [entry] = (await audits('session.reuse-detected')).filter((a) => a.target?.id === opened.sessionId);
  expect(entry).toMatchObject({ outcome: 'denied', tenantId: tenant, actor: { type: 'user', id: user }, details: { reason: 'reuse' } });
  expect(JSON.stringify(entry)).not.toContain(opened.refreshToken);
});

test('a session idle for more than 30 minutes ends', async () => {
  const t0 = new Date('2026-11-25T12:00:00Z');
  const opened = await sessions.open(tenant, randomUUID(), t0);
  const kept = await sessions.refresh(opened.refreshToken, new Date(t0.getTime() + IDLE_TIMEOUT_MS - 1_000));
  await refused(sessions.refresh(kept.refreshToken, new Date(t0.getTime() + 2 * IDLE_TIMEOUT_MS)));
});

test('a session ends 12 hours after login however active it is', async () => {
  const t0 = new Date('2026-11-25T00:00:00Z');
  let grant = await sessions.open(tenant, randomUUID(), t0);
  for (let t = 20 * 60_000; t < ABSOLUTE_LIFETIME_MS; t += 20 * 60_000) grant = await sessions.refresh(grant.refreshToken, new Date(t0.getTime() + t));
  await refused(sessions.refresh(grant.refreshToken, new Date(t0.getTime() + ABSOLUTE_LIFETIME_MS + 1)));
});

test('logout revokes the session; malformed tokens are refused', async () => {
  const t0 = new Date('2026-11-25T13:00:00Z');
  const opened = await sessions.open(tenant, randomUUID(), t0);
  await sessions.close(opened.refreshToken, new Date(t0.getTime() + 1_000));
  await refused(sessions.refresh(opened.refreshToken, new Date(t0.getTime() + 2_000)));
  await refused(sessions.refresh('not-a-token'));
});

test("another tenant's sessions and refresh tokens are invisible under this tenant, even when the query would match them", async () => {
  const t0 = new Date('2026-11-25T14:00:00Z');
  const later = new Date(t0.getTime() + 1_000);
  const foreignTenant = randomUUID();
  const foreignUser = randomUUID();
  const foreign = await sessions.open(foreignTenant, foreignUser, t0);
  // A refresh token of this tenant's form whose hash sits in the foreign tenant's table, for the
  // foreign session: the lookup by hash matches it, and only row-level security keeps it out of reach.
  const named = `rt1.${tenant}.${foreign.refreshToken.split('.')[2]}`;
  await withTenant(runtime, foreignTenant, (m) =>
    m.query('INSERT INTO auth_refresh_tokens (token_hash, tenant_id, session_id, issued_at) VALUES ($1, $2, $3, $4)', [hashRefreshToken(named), foreignTenant, foreign.sessionId, t0]),
  );
  // Positive control: the foreign tenant sees its session and both its tokens.
  expect(await sessions.isLive(foreignTenant, foreign.sessionId, later)).toBe(true);
  expect(await tokensOf(foreignTenant, foreign.sessionId)).toEqual([{ used: false }, { used: false }]);

  await refused(sessions.refresh(named, later));
  await sessions.close(named, later);
  expect(await sessions.isLive(tenant, foreign.sessionId, later)).toBe(false);
  await sessions.closeSession({ user: foreignUser }, tenant, foreign.sessionId, foreignUser, later);
  expect(await tokensOf(tenant, foreign.sessionId)).toEqual([]);

  // Nothing of the foreign tenant moved: its session is open, its tokens unspent, its own refresh works.
  expect(await sessions.isLive(foreignTenant, foreign.sessionId, later)).toBe(true);
  expect(await tokensOf(foreignTenant, foreign.sessionId)).toEqual([{ used: false }, { used: false }]);
  expect((await sessions.refresh(foreign.refreshToken, later)).sessionId).toBe(foreign.sessionId);
});

async function tokensOf(tenantId: string, sessionId: string): Promise<Array<{ used: boolean }>> {
  return withTenant(runtime, tenantId, (m) => m.query('SELECT used_at IS NOT NULL AS used FROM auth_refresh_tokens WHERE session_id = $1 ORDER BY issued_at', [sessionId]));
}
