// Auth's subject operations as the platform runs them from auth's data inventory, on its real
// migrations with real keys: a member's account, sessions, refresh tokens and API keys exported
// (email opened; password verifier, TOTP secret, token and key hashes withheld; blind index left
// out) and erased in one transaction, then their data key destroyed: a copy of the row taken
// before (a backup) no longer opens. Another member, and the same id asked in another tenant, are
// untouched; nothing of the email reaches the audit entries.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { AuditEntry, type Principal } from '@gardien/contracts';
import { BlindIndex, CryptoErrorCode, LocalKms, PostgresSubjectKeyStore, PostgresTenantKeyStore, SubjectKeyRing, generateMasterKeyFile } from '@gardien/crypto';
import { DeclaredSubjectData, declaredMigrations, openServiceDatabase, tenantScopedSql, withTenant, type SubjectOperationContext } from '@gardien/persistence';
import { ADMIN_URL, dropTestDatabases, findLeaks, makeCanaries, testDatabasePrefix } from '@gardien/testing';
import { PasswordHasher } from './credentials/password-hasher.js';
import { AUTH_DATABASE } from './database.js';
import { SessionsRepository } from './sessions/sessions.repository.js';
import { SessionsService } from './sessions/sessions.service.js';
import { NewAccountFactory } from './users/new-account.js';
import { UserCodec } from './users/user-codec.js';
import { UsersRepository, type UserRow } from './users/users.repository.js';

const prefix = testDatabasePrefix();
const dir = mkdtempSync(join(tmpdir(), 'gardien-auth-subject-'));
const tenantA = randomUUID();
const tenantB = randomUUID();
const canaries = { member: makeCanaries(), colleague: makeCanaries() };
const pipeline: Principal = { kind: 'service', id: 'rights-pipeline', tenantId: null, roles: [], mfa: false };
const context: SubjectOperationContext = { caller: { principal: pipeline, tenantId: null, requestId: randomUUID() }, rightsRequestId: randomUUID() };
let runtime: DataSource;
let codec: UserCodec;
let subjectData: DeclaredSubjectData;
let member: UserRow;
let colleague: UserRow;

async function createAccount(tenantId: string, email: string, factory: NewAccountFactory, sessions: SessionsService): Promise<UserRow> {
  const { row } = await factory.prepare(tenantId, { email, password: 'a passphrase long enough', roles: ['dpo'] });
  await withTenant(runtime, tenantId, (m) => new UsersRepository().insert(m, row));
  for (let i = 0; i < 2; i++) await sessions.open(tenantId, row.id);
  await withTenant(runtime, tenantId, (m) =>
    m.query("INSERT INTO auth_api_keys (id, tenant_id, owner_id, name, purpose, key_hash, expires_at, created_at) VALUES ($1, $2, $3, 'ci', 'support', $4, now() + interval '1 day', now())", [
      randomUUID(),
      tenantId,
      row.id,
      randomUUID(),
    ]),
  );
  return (await withTenant(runtime, tenantId, (m) => new UsersRepository().findById(m, row.id)))!;
}

async function holdings(tenantId: string, userId: string): Promise<Record<string, number>> {
  return withTenant(runtime, tenantId, async (m) => {
    const count = async (sql: string) => ((await m.query(sql, [userId])) as Array<{ n: number }>)[0]!.n;
    return {
      users: await count('SELECT count(*)::int AS n FROM auth_users WHERE id = $1'),
      sessions: await count('SELECT count(*)::int AS n FROM auth_sessions WHERE user_id = $1'),
      refreshTokens: await count('SELECT count(*)::int AS n FROM auth_refresh_tokens t JOIN auth_sessions s ON s.id = t.session_id WHERE s.user_id = $1'),
      apiKeys: await count('SELECT count(*)::int AS n FROM auth_api_keys WHERE owner_id = $1'),
      keys: await count('SELECT count(*)::int AS n FROM gardien_keys.subject_keys WHERE subject_id = $1::text'),
    };
  });
}

beforeAll(async () => {
  ({ runtime } = await openServiceDatabase({ service: 'auth', prefix, adminUrl: ADMIN_URL, migrations: declaredMigrations(AUTH_DATABASE) }));
  await generateMasterKeyFile(join(dir, 'master.key'));
  const kms = await LocalKms.open({ service: 'auth', dataDir: dir, masterKeyFile: join(dir, 'master.key'), generateMasterKeyIfMissing: false });
  const sql = tenantScopedSql(runtime);
  const keyRing = new SubjectKeyRing({ service: 'auth', kms, store: new PostgresSubjectKeyStore(sql) });
  const blindIndex = new BlindIndex({ service: 'auth', kms, store: new PostgresTenantKeyStore(sql) });
  codec = new UserCodec(keyRing, blindIndex);
  const factory = new NewAccountFactory(new PasswordHasher(), codec, keyRing);
  const sessions = new SessionsService(runtime, new SessionsRepository());
  member = await createAccount(tenantA, canaries.member.email, factory, sessions);
  colleague = await createAccount(tenantA, canaries.colleague.email, factory, sessions);
  subjectData = new DeclaredSubjectData({ dataSource: runtime, inventory: AUTH_DATABASE.inventory, keyRing, blindIndex });
});

afterAll(async () => {
  await runtime?.destroy();
  await dropTestDatabases(prefix);
  rmSync(dir, { recursive: true, force: true });
});

test("a member's export: the email opened; the password verifier, TOTP secret, token and key hashes withheld; no blind index", async () => {
  const exported = await subjectData.export({ tenantId: tenantA, subjectId: member.id }, context);
  const tables = Object.fromEntries(exported.tables.map((table) => [table.table, table]));
  expect(Object.keys(tables).sort()).toEqual(['auth_api_keys', 'auth_refresh_tokens', 'auth_sessions', 'auth_users', 'gardien_keys.subject_keys']);
  expect(tables.auth_users!.rows).toEqual([
    expect.objectContaining({ id: member.id, tenant_id: tenantA, email: canaries.member.email, roles: ['dpo'], totp_confirmed: true }),
  ]);
  expect(tables.auth_users!.withheld_columns.sort()).toEqual(['password_hash', 'totp_secret']);
  for (const column of ['password_hash', 'totp_secret', 'email_index']) expect(tables.auth_users!.rows[0]).not.toHaveProperty(column);
  expect(tables.auth_sessions!.rows).toHaveLength(2);
  expect(tables.auth_refresh_tokens!.rows).toHaveLength(2);
  for (const row of tables.auth_refresh_tokens!.rows) expect(row).not.toHaveProperty('token_hash');
  expect(tables.auth_api_keys!.rows).toEqual([expect.objectContaining({ owner_id: member.id, purpose: 'support' })]);
  expect(tables.auth_api_keys!.rows[0]).not.toHaveProperty('key_hash');
  expect(JSON.stringify(exported)).not.toContain(canaries.colleague.email);
});

test("the member's id asked in another tenant finds nothing and erases nothing", async () => {
  expect((await subjectData.export({ tenantId: tenantB, subjectId: member.id }, context)).tables).toEqual([]);
  expect(await subjectData.erase({ tenantId: tenantB, subjectId: member.id }, context)).toMatchObject({ changed: false, keys_destroyed: 0 });
  expect(await holdings(tenantA, member.id)).toEqual({ users: 1, sessions: 2, refreshTokens: 2, apiKeys: 1, keys: 1 });
});

test('erasure removes the account, its sessions, refresh tokens and keys, then its data key: a copy of the row no longer opens', async () => {
  const colleagueBefore = await holdings(tenantA, colleague.id);
  const erased = await subjectData.erase({ tenantId: tenantA, subjectId: member.id }, context);
  expect(erased).toMatchObject({ changed: true, keys_destroyed: 1 });
  expect(erased.tables.filter(({ deleted }) => deleted > 0)).toEqual([
    { table: 'auth_refresh_tokens', deleted: 2, kept: 0 },
    { table: 'auth_sessions', deleted: 2, kept: 0 },
    { table: 'auth_api_keys', deleted: 1, kept: 0 },
    { table: 'auth_users', deleted: 1, kept: 0 },
  ]);
  expect(await holdings(tenantA, member.id)).toEqual({ users: 0, sessions: 0, refreshTokens: 0, apiKeys: 0, keys: 0 });
  await expect(codec.openEmail(member)).rejects.toMatchObject({ code: CryptoErrorCode.SubjectErased });
  expect(await holdings(tenantA, colleague.id)).toEqual(colleagueBefore);
  expect(await codec.openEmail(colleague)).toBe(canaries.colleague.email);

  const rows: Array<{ payload: unknown }> = await runtime.query("SELECT payload FROM gardien_outbox WHERE subject = 'gardien.audit.auth.subject.erased'");
  const [entry, ...more] = rows.map((row) => AuditEntry.parse(row.payload));
  expect(more).toEqual([]);
  expect(entry).toMatchObject({ tenantId: tenantA, target: { type: 'subject', id: member.id }, requestId: context.caller.requestId });
  expect(entry!.details).toEqual({
    authRefreshTokens: 2,
    authSessions: 2,
    authApiKeys: 1,
    authUsers: 1,
    gardienSubjectRestrictions: 0,
    keys: 1,
    rightsRequestId: context.rightsRequestId,
  });
  const outbox = JSON.stringify(await runtime.query('SELECT payload FROM gardien_outbox'));
  for (const planted of Object.values(canaries)) expect(findLeaks(outbox, planted)).toEqual([]);
});
