// The auth service's identity flows against the machine's Postgres, as its runtime role under
// row-level security, with real keys (local KMS), real argon2id and real TOTP; only the tenant
// service is replaced, by an in-memory directory. Login (same answer for unknown accounts, tenants
// and wrong passwords), MFA, refresh and logout with /me, users and roles, API keys, bootstrap.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { decodeJwt } from 'jose';
import { TokenVerifier } from '@gardien/authz';
import { BlindIndex, CreateGardienKeys1732579300000, LocalKms, PostgresSubjectKeyStore, PostgresTenantKeyStore, SubjectKeyRing, generateMasterKeyFile } from '@gardien/crypto';
import {
  audienceOf,
  AuditEntry,
  ErrorCode,
  GardienError,
  PLATFORM_TENANT_ID,
  callerOf,
  type CallContext,
  type Caller,
  type CreateTenantRequest,
  type Principal,
  type ResolvedTenant,
  type Tenant,
  type TokenPair,
} from '@gardien/contracts';
import { CreateOutbox1732579200000, openServiceDatabase, tenantScopedSql, withTenant } from '@gardien/persistence';
import { ADMIN_URL, dropTestDatabases, testDatabasePrefix } from '@gardien/testing';
import { ApiKeysRepository } from '../api-keys/api-keys.repository.js';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { OwnerApiKeys } from '../api-keys/owner-api-keys.js';
import { BootstrapService } from '../bootstrap/bootstrap.service.js';
import { LoginThrottleRepository } from '../brute-force/login-throttle.repository.js';
import { LoginThrottle } from '../brute-force/login-throttle.service.js';
import { CurrentPasswordCheck } from '../credentials/current-password-check.js';
import { PasswordChangeService } from '../credentials/password-change.service.js';
import { PasswordHasher } from '../credentials/password-hasher.js';
import { MfaEnrolmentService } from '../mfa/mfa-enrolment.service.js';
import { currentTotp } from '../mfa/totp.js';
import { AUTH_MIGRATIONS } from '../migrations/index.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { SessionsRepository } from '../sessions/sessions.repository.js';
import { SigningKeysRepository } from '../signing-keys/signing-keys.repository.js';
import { SigningKeysService } from '../signing-keys/signing-keys.service.js';
import { TenantDirectory } from '../tenant-directory/tenant-directory.js';
import { NewAccountFactory } from '../users/new-account.js';
import { UserAccountsService } from '../users/user-accounts.service.js';
import { UserCodec } from '../users/user-codec.js';
import { UsersRepository } from '../users/users.repository.js';
import { AccessTokens } from './access-tokens.js';
import { LoginService } from './login.service.js';

/** The tenant service, in memory: slugs, statuses and purposes. */
class InMemoryTenantDirectory extends TenantDirectory {
  readonly tenants = new Map<string, ResolvedTenant>();
  readonly purposes = new Set<string>();
  readonly deleted: string[] = [];
  /** Each tenant's allowed models (settings); none until set, as for a new tenant. */
  readonly allowedModels = new Map<string, string[]>();

  constructor() {
    super(undefined as never, undefined as never, undefined as never);
  }
  add(slug: string, status: ResolvedTenant['status'] = 'active'): string {
    const id = randomUUID();
    this.tenants.set(id, { id, slug, status });
    return id;
  }
  override async resolveSlug(slug: string): Promise<ResolvedTenant | undefined> {
    return [...this.tenants.values()].find((t) => t.slug === slug);
  }
  /** As the tenant service answers, from Postgres: a uuid matches whatever its case, and comes back canonical. */
  override async resolveId(id: string): Promise<ResolvedTenant | undefined> {
    return this.tenants.get(id.toLowerCase());
  }
  override async createTenant(input: CreateTenantRequest): Promise<Tenant> {
    if (await this.resolveSlug(input.slug)) throw new GardienError(ErrorCode.Conflict, 'slug taken');
    const id = this.add(input.slug);
    return { id, slug: input.slug, name: input.name, status: 'active', created_at: new Date().toISOString() };
  }
  override async deleteTenant(id: string): Promise<void> {
    this.tenants.delete(id);
    this.deleted.push(id);
  }
  override async purposeExists(_caller: Caller, id: string): Promise<boolean> {
    return this.purposes.has(id);
  }
  override async allowedModelsOf(caller: Caller): Promise<string[]> {
    return this.allowedModels.get(caller.tenantId ?? '') ?? [];
  }
}

/** The real hasher, counting its argon2id runs. */
class CountingHasher extends PasswordHasher {
  runs = 0;
  override async hash(...args: Parameters<PasswordHasher['hash']>): Promise<string> {
    this.runs++;
    return super.hash(...args);
  }
  override async verify(...args: Parameters<PasswordHasher['verify']>): Promise<boolean> {
    this.runs++;
    return super.verify(...args);
  }
}

const prefix = testDatabasePrefix();
const dir = mkdtempSync(join(tmpdir(), 'gardien-identity-'));
const PASSWORD = 'correct horse battery staple';
let runtime: DataSource;
let kms: LocalKms;
let blindIndex: BlindIndex;
let directory: InMemoryTenantDirectory;
let login: LoginService;
let accounts: UserAccountsService;
let mfa: MfaEnrolmentService;
let passwords: PasswordChangeService;
let apiKeys: ApiKeysService;
let bootstrap: BootstrapService;
let verifier: TokenVerifier;
let factory: NewAccountFactory;
/** Each test logs in from its own address, so that per-source throttling of one test does not spill into the next. */
let source: string;
beforeEach(() => {
  source = `198.51.100.${Math.floor(Math.random() * 250)}:${randomUUID().slice(0, 8)}`;
});
let tenantA: string;
let tenantB: string;
let adminA: Principal;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ctx = (): CallContext => ({ requestId: randomUUID() });
/** A verified caller as @CurrentCaller() hands it to a service: the principal, in a request of its own. */
const as = (principal: Principal): Caller => callerOf(principal, ctx());
const code = async (error: Promise<unknown>) => (await error.then(() => undefined, (e: GardienError) => e))?.code;
const totpSecretOf = (uri: string) => new URL(uri).searchParams.get('secret')!;

type Answer = ErrorCode | 'ok' | 'locked';

/** One attempt as a patient attacker makes it: back-off refusals are waited out; a refusal longer than any back-off (8 s) is a lock. */
async function patiently(attempt: () => Promise<unknown>): Promise<Answer> {
  for (let waitedMs = 0; ; ) {
    const answer = await attempt().then(
      () => 'ok' as const,
      (e: GardienError) => e,
    );
    if (answer === 'ok') return answer;
    if (answer.code !== ErrorCode.RateLimited) return answer.code;
    const retryMs = (answer.retryAfterSeconds ?? 0.3) * 1000;
    if (waitedMs + retryMs > 9_000) return 'locked';
    await sleep(retryMs);
    waitedMs += retryMs;
  }
}

/** A code other than the current one (that it is valid one step away would be a one-in-a-million chance). */
async function wrongCodeFor(secret: string): Promise<string> {
  return String((Number(await currentTotp(secret)) + 333_333) % 1_000_000).padStart(6, '0');
}

async function audits(action: string): Promise<AuditEntry[]> {
  const rows: Array<{ payload: unknown }> = await runtime.query('SELECT payload FROM gardien_outbox WHERE subject = $1 ORDER BY created_at', [`gardien.audit.auth.${action}`]);
  return rows.map((r) => AuditEntry.parse(r.payload));
}

/** A principal as the token verifier would hand it to a handler. */
async function principalOf(pair: TokenPair): Promise<Principal> {
  return verifier.verify(pair.access_token);
}

/** Creates a tenant user with the given roles through the tenant admin; returns its id and TOTP secret if any. */
async function userIn(admin: Principal, roles: Parameters<UserAccountsService['create']>[1]['roles'], email = `${randomUUID()}@example.test`) {
  const created = await accounts.create(as(admin), { email, password: PASSWORD, roles });
  return { id: created.id, email, secret: created.totp_uri ? totpSecretOf(created.totp_uri) : undefined };
}

beforeAll(async () => {
  ({ runtime } = await openServiceDatabase({ service: 'auth', prefix, adminUrl: ADMIN_URL, migrations: [CreateOutbox1732579200000, CreateGardienKeys1732579300000, ...AUTH_MIGRATIONS] }));
  await generateMasterKeyFile(join(dir, 'master.key'));
  kms = await LocalKms.open({ service: 'auth', dataDir: dir, masterKeyFile: join(dir, 'master.key'), generateMasterKeyIfMissing: false });
  const sql = tenantScopedSql(runtime);
  const ring = new SubjectKeyRing({ service: 'auth', kms, store: new PostgresSubjectKeyStore(sql) });
  blindIndex = new BlindIndex({ service: 'auth', kms, store: new PostgresTenantKeyStore(sql) });
  const signing = new SigningKeysService(new SigningKeysRepository(runtime), ring, 0);
  verifier = new TokenVerifier(() => signing.jwks(), { audience: audienceOf('edge-api'), minRefreshIntervalMs: 0 });
  directory = new InMemoryTenantDirectory();
  const users = new UsersRepository();
  const codec = new UserCodec(ring, blindIndex);
  const hasher = new PasswordHasher();
  const sessions = new SessionsService(runtime, new SessionsRepository());
  factory = new NewAccountFactory(hasher, codec, ring);
  const keysRepository = new ApiKeysRepository();
  const ownerKeys = new OwnerApiKeys(keysRepository);
  login = new LoginService(runtime, users, codec, hasher, new LoginThrottle(runtime, new LoginThrottleRepository()), sessions, new AccessTokens(signing), directory, blindIndex);
  accounts = new UserAccountsService(runtime, users, codec, factory, ring, sessions, ownerKeys, directory);
  const currentPassword = new CurrentPasswordCheck(runtime, users, hasher, new LoginThrottle(runtime, new LoginThrottleRepository()), blindIndex);
  mfa = new MfaEnrolmentService(runtime, users, codec, sessions, currentPassword);
  passwords = new PasswordChangeService(runtime, users, hasher, currentPassword, sessions, ownerKeys);
  apiKeys = new ApiKeysService(runtime, keysRepository, directory, signing);
  bootstrap = new BootstrapService(runtime, users, factory, directory);
  tenantB = directory.add('tenant-b');
});

afterAll(async () => {
  await runtime?.destroy();
  await dropTestDatabases(prefix);
  rmSync(dir, { recursive: true, force: true });
});

describe('bootstrap', () => {
  test('a taken tenant slug is an input error, and creates nothing', async () => {
    const taken = bootstrap.bootstrap(
      { admin: { email: 'root@example.test', password: PASSWORD }, tenant: { slug: 'tenant-b', name: 'B again', admin: { email: 'b@b.example', password: PASSWORD } } },
      ctx(),
    );
    await expect(taken).rejects.toMatchObject({ code: ErrorCode.ValidationFailed, details: [{ path: 'payload.tenant.slug', reason: 'already_taken' }] });
    expect(await inTenant(PLATFORM_TENANT_ID, 'SELECT id FROM auth_users')).toEqual([]);
  });

  test('creates the super-admin and the first tenant with its admin, each with a TOTP URI, once', async () => {
    const result = await bootstrap.bootstrap(
      { admin: { email: 'root@example.test', password: PASSWORD }, tenant: { slug: 'tenant-a', name: 'Tenant A', admin: { email: 'admin@a.example', password: PASSWORD } } },
      ctx(),
    );
    expect(result.superadmin.totp_uri).toMatch(/^otpauth:\/\/totp\//);
    expect(result.tenant!.admin.totp_uri).toMatch(/^otpauth:\/\/totp\//);
    expect(result.superadmin.totp_uri).not.toContain('example');
    tenantA = result.tenant!.id;

    const again = bootstrap.bootstrap({ admin: { email: 'other@example.test', password: PASSWORD } }, ctx());
    await expect(again).rejects.toMatchObject({ code: ErrorCode.Conflict, message: expect.stringContaining('already bootstrapped') });
    const withTenant = bootstrap.bootstrap(
      { admin: { email: 'other@example.test', password: PASSWORD }, tenant: { slug: 'tenant-z', name: 'Z', admin: { email: 'z@z.example', password: PASSWORD } } },
      ctx(),
    );
    await expect(withTenant).rejects.toMatchObject({ code: ErrorCode.Conflict });
    expect(await directory.resolveSlug('tenant-z')).toBeUndefined();

    const superadmins: unknown[] = await runtime.query(`SELECT 1 FROM auth_users WHERE 'superadmin' = ANY (roles)`);
    expect(superadmins).toHaveLength(0); // the runtime role sees nothing without a tenant (row-level security)
    const created = await audits('user.created');
    expect(created.filter((e) => e.details.bootstrap === true)).toHaveLength(2);
    expect(JSON.stringify(created)).not.toContain('example');

    const adminSecret = totpSecretOf(result.tenant!.admin.totp_uri);
    const pair = await login.login({ source, email: 'admin@a.example', password: PASSWORD, tenant: 'tenant-a', totp: await currentTotp(adminSecret) }, ctx());
    adminA = await principalOf(pair);
    expect(adminA).toMatchObject({ tenantId: tenantA, roles: ['tenant_admin'], mfa: true });

    const rootSecret = totpSecretOf(result.superadmin.totp_uri);
    const root = await principalOf(await login.login({ source, email: 'ROOT@example.test', password: PASSWORD, totp: await currentTotp(rootSecret) }, ctx()));
    expect(root).toMatchObject({ tenantId: null, roles: ['superadmin'], mfa: true });
  });
});

describe('login', () => {
  test('an unknown account, an unknown tenant and a wrong password get the same answer', async () => {
    const { email } = await userIn(adminA, ['user']);
    // Each from its own address: one failure's per-source back-off must not answer for the next.
    const answers = await Promise.all([
      login.login({ source: `${source}-1`, email, password: 'wrong password!!', tenant: 'tenant-a' }, ctx()).catch((e: GardienError) => e),
      login.login({ source: `${source}-2`, email: 'nobody@example.test', password: PASSWORD, tenant: 'tenant-a' }, ctx()).catch((e: GardienError) => e),
      login.login({ source: `${source}-3`, email, password: PASSWORD, tenant: 'no-such-tenant' }, ctx()).catch((e: GardienError) => e),
      login.login({ source: `${source}-4`, email, password: PASSWORD }, ctx()).catch((e: GardienError) => e),
    ]);
    for (const answer of answers) {
      expect(answer).toBeInstanceOf(GardienError);
      expect((answer as GardienError).toEnvelope()).toEqual({ code: ErrorCode.Unauthenticated, reason: 'invalid_credentials', message: 'the credentials are not valid' });
    }
    const failed = await audits('login.failed');
    expect(failed.some((e) => e.actor.id === 'unknown-account')).toBe(true);
    expect(JSON.stringify(failed)).not.toContain(email);
  });

  test('the 6th wrong password in a row is locked out, even with the right password', async () => {
    const { id, email } = await userIn(adminA, ['developer']);
    for (let attempt = 1; attempt <= 5; attempt++) {
      expect(await code(login.login({ source, email, password: 'wrong password!!', tenant: 'tenant-a' }, ctx()))).toBe(ErrorCode.Unauthenticated);
      if (attempt < 5) await sleep(250 * 2 ** (attempt - 1) + 20); // wait out the back-off, so that each attempt counts
    }
    expect(await code(login.login({ source, email, password: PASSWORD, tenant: 'tenant-a' }, ctx()))).toBe(ErrorCode.RateLimited);
    expect((await audits('login.locked')).filter((e) => e.actor.id === id)).toHaveLength(1);
  }, 20_000);

  test('a burst of concurrent guesses from many addresses tests one password, not the whole burst', async () => {
    const { email } = await userIn(adminA, ['user']);
    const guesses = Array.from({ length: 10 }, (_, i) =>
      code(login.login({ source: `${source}-burst-${i}`, email, password: i === 9 ? PASSWORD : `wrong password ${i}!`, tenant: 'tenant-a' }, ctx())),
    );
    const answers = await Promise.all(guesses);
    expect(answers.filter((a) => a === ErrorCode.RateLimited)).toHaveLength(9);
  });

  test('an account with an MFA role needs a valid code, used once only', async () => {
    const dpo = await userIn(adminA, ['dpo']);
    expect(dpo.secret).toBeDefined();
    expect(await code(login.login({ source, email: dpo.email, password: PASSWORD, tenant: 'tenant-a' }, ctx()))).toBe(ErrorCode.MfaRequired);
    expect(await code(login.login({ source, email: dpo.email, password: PASSWORD, tenant: 'tenant-a', totp: '000000' }, ctx()))).toBe(ErrorCode.Unauthenticated);
    await sleep(300); // the wrong code counted as a failure: back-off
    const totp = await currentTotp(dpo.secret!);
    const pair = await login.login({ source, email: dpo.email, password: PASSWORD, tenant: 'tenant-a', totp }, ctx());
    const principal = await principalOf(pair);
    expect(principal).toMatchObject({ roles: ['dpo'], mfa: true });
    const succeeded = (await audits('login.succeeded')).filter((e) => e.actor.id === dpo.id);
    expect(succeeded).toEqual([expect.objectContaining({ tenantId: tenantA, target: { type: 'session', id: principal.sessionId }, details: { mfa: true } })]);
    // The same code again is a replay (after the source's back-off from the wrong code above).
    await sleep(300);
    expect(await code(login.login({ source, email: dpo.email, password: PASSWORD, tenant: 'tenant-a', totp }, ctx()))).toBe(ErrorCode.Unauthenticated);
  });

  test('wrong TOTP codes lock the account, even with logins without a code between them; the refusal says when to retry', async () => {
    const dpo = await userIn(adminA, ['dpo']);
    const attempt = (totp?: string) => login.login({ source, email: dpo.email, password: PASSWORD, tenant: 'tenant-a', ...(totp ? { totp } : {}) }, ctx());
    // The attacker knows the password, not the second factor: four wrong codes, one login without a
    // code (MFA_REQUIRED), again, three times over; back-off refusals are waited out.
    let wrongCodesChecked = 0;
    let outcome: Answer | undefined;
    for (let round = 0; round < 3 && outcome !== 'locked'; round++) {
      for (let guess = 0; guess < 4 && outcome !== 'locked'; guess++) {
        outcome = await patiently(async () => attempt(await wrongCodeFor(dpo.secret!)));
        if (outcome === ErrorCode.Unauthenticated) wrongCodesChecked++;
      }
      if (outcome !== 'locked') outcome = await patiently(() => attempt());
    }
    expect({ wrongCodesChecked, outcome }).toEqual({ wrongCodesChecked: 5, outcome: 'locked' });
    const refusal = await attempt(await currentTotp(dpo.secret!)).catch((e: GardienError) => e);
    expect(refusal).toMatchObject({ code: ErrorCode.RateLimited, reason: 'too_many_attempts', retryAfterSeconds: expect.any(Number) });
    expect((refusal as GardienError).retryAfterSeconds).toBeGreaterThan(14 * 60);
    expect((await audits('login.locked')).filter((e) => e.actor.id === dpo.id)).toHaveLength(1);
  }, 40_000);

  test('an office behind one address: more MFA users than the source may fail, each logging in without then with a code, all get in', async () => {
    const office = `192.0.2.${Math.floor(Math.random() * 250)}`;
    const staff: Array<Awaited<ReturnType<typeof userIn>>> = [];
    for (let i = 0; i < 22; i++) staff.push(await userIn(adminA, ['dpo']));
    for (const member of staff) {
      const step = { source: office, email: member.email, password: PASSWORD, tenant: 'tenant-a' };
      expect(await code(login.login(step, ctx()))).toBe(ErrorCode.MfaRequired);
      expect((await principalOf(await login.login({ ...step, totp: await currentTotp(member.secret!) }, ctx()))).id).toBe(member.id);
    }
  }, 40_000);

  test('per-source counting groups the addresses of one IPv6 /64, and an IPv4-mapped address with its IPv4 form', async () => {
    const hex = () => Math.floor(Math.random() * 0xffff).toString(16);
    const v6 = `2001:db8:${hex()}:${hex()}`;
    const v4 = `203.0.113.${Math.floor(Math.random() * 250)}`;
    for (const addresses of [[`${v6}::1`, `${v6}:0:ab:cd:2`, `${v6.toUpperCase()}::3`, `${v6}:1:2:3:4`, `${v6}:ffff::9`], [`::ffff:${v4}`, v4, `::FFFF:${v4}`, v4, `::ffff:${v4}`]]) {
      // Four failures from addresses of one source, each on its own account and past the back-off
      // the source would have if they counted apart (100 ms after one failure)...
      for (const [i, address] of addresses.slice(0, 4).entries()) {
        if (i > 0) await sleep(100 * 2 ** (i - 1) + 50);
        const { email } = await userIn(adminA, ['user']);
        expect(await code(login.login({ source: address, email, password: 'wrong password!!', tenant: 'tenant-a' }, ctx()))).toBe(ErrorCode.Unauthenticated);
      }
      // ...so that the fifth address finds the source's back-off of four failures (800 ms).
      const { email } = await userIn(adminA, ['user']);
      expect(await code(login.login({ source: addresses[4]!, email, password: PASSWORD, tenant: 'tenant-a' }, ctx()))).toBe(ErrorCode.RateLimited);
    }
  });

  test('a login whose caller has stopped waiting is abandoned before its argon2id run, and counts as no failure', async () => {
    const { id, email } = await userIn(adminA, ['user']);
    const gone = login.login({ source, email, password: 'wrong password!!', tenant: 'tenant-a' }, { requestId: randomUUID(), deadline: Date.now() - 1 });
    await expect(gone).rejects.toMatchObject({ code: ErrorCode.Timeout });
    // Not a failure: no back-off, and the right password goes through at once.
    expect((await principalOf(await login.login({ source, email, password: PASSWORD, tenant: 'tenant-a' }, ctx()))).id).toBe(id);
  });

  test('a suspended tenant cannot log in; its refresh tokens stop working', async () => {
    const { email } = await userIn(adminA, ['user']);
    const pair = await login.login({ source, email, password: PASSWORD, tenant: 'tenant-a' }, ctx());
    directory.tenants.set(tenantA, { ...directory.tenants.get(tenantA)!, status: 'suspended' });
    try {
      expect(await code(login.login({ source, email, password: PASSWORD, tenant: 'tenant-a' }, ctx()))).toBe(ErrorCode.Unauthenticated);
      expect(await code(login.refresh({ refresh_token: pair.refresh_token }, ctx()))).toBe(ErrorCode.Unauthenticated);
    } finally {
      directory.tenants.set(tenantA, { ...directory.tenants.get(tenantA)!, status: 'active' });
    }
  });
});

describe('sessions', () => {
  test('refresh rotates; reusing a spent refresh token revokes the whole family', async () => {
    const { email } = await userIn(adminA, ['user']);
    const first = await login.login({ source, email, password: PASSWORD, tenant: 'tenant-a' }, ctx());
    const second = await login.refresh({ refresh_token: first.refresh_token }, ctx());
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect((await principalOf(second)).sessionId).toBe((await principalOf(first)).sessionId);
    expect(await code(login.refresh({ refresh_token: first.refresh_token }, ctx()))).toBe(ErrorCode.Unauthenticated);
    expect(await code(login.refresh({ refresh_token: second.refresh_token }, ctx()))).toBe(ErrorCode.Unauthenticated);
    expect(await code(login.me(as(await principalOf(second))))).toBe(ErrorCode.Unauthenticated);
  });

  test('logout ends the session: refresh and /me are refused afterwards', async () => {
    const { email } = await userIn(adminA, ['user']);
    const pair = await login.login({ source, email, password: PASSWORD, tenant: 'tenant-a' }, ctx());
    const me = await login.me(as(await principalOf(pair)));
    expect(me).toMatchObject({ email, tenant_id: tenantA, roles: ['user'], mfa_enrolled: false });
    await login.logout(as(await principalOf(pair)));
    expect(await code(login.me(as(await principalOf(pair))))).toBe(ErrorCode.Unauthenticated);
    expect(await code(login.refresh({ refresh_token: pair.refresh_token }, ctx()))).toBe(ErrorCode.Unauthenticated);
  });
});

describe('self-service MFA', () => {
  test('a user enrols TOTP, confirms it, and must then give codes; the holder cannot replace it', async () => {
    const { email } = await userIn(adminA, ['user']);
    const user = await principalOf(await login.login({ source, email, password: PASSWORD, tenant: 'tenant-a' }, ctx()));
    const { totp_uri } = await mfa.enrol(as(user), { current_password: PASSWORD });
    expect(await code(mfa.confirm(as(user), '000000'))).toBe(ErrorCode.ValidationFailed);
    await mfa.confirm(as(user), await currentTotp(totpSecretOf(totp_uri)));
    expect(await code(mfa.enrol(as(user), { current_password: PASSWORD }))).toBe(ErrorCode.Conflict);
    expect(await code(login.login({ source, email, password: PASSWORD, tenant: 'tenant-a' }, ctx()))).toBe(ErrorCode.MfaRequired);
  });
});

describe('self-service MFA needs the current password', () => {
  test('a stolen access token alone cannot enrol a second factor: a wrong password is refused, audited, throttled, and enrols nothing', async () => {
    const { id, email } = await userIn(adminA, ['user']);
    const user = await principalOf(await login.login({ source, email, password: PASSWORD, tenant: 'tenant-a' }, ctx()));
    const pending = () => inTenant(tenantA, 'SELECT totp_secret IS NOT NULL AS pending FROM auth_users WHERE id = $1', [id]);
    const wrong = await mfa.enrol(as(user), { current_password: 'not the password' }).catch((e: GardienError) => e);
    expect(wrong).toMatchObject({ code: ErrorCode.ValidationFailed, details: [{ path: 'payload.current_password', reason: 'incorrect' }] });
    expect(await pending()).toEqual([{ pending: false }]);
    const again = await mfa.enrol(as(user), { current_password: 'a second guess' }).catch((e: GardienError) => e);
    expect(again).toMatchObject({ code: ErrorCode.RateLimited, reason: 'too_many_attempts', retryAfterSeconds: 1 });
    expect((await audits('mfa.enrolment-refused')).filter((e) => e.target?.id === id)).toHaveLength(1);
    await sleep(300);
    expect((await mfa.enrol(as(user), { current_password: PASSWORD })).totp_uri).toMatch(/^otpauth:/);
    expect(await pending()).toEqual([{ pending: true }]);
  });
});

describe('password change', () => {
  test('needs the current password, is throttled, ends the other sessions, and the old password stops working', async () => {
    const { id, email } = await userIn(adminA, ['user']);
    const other = await login.login({ source, email, password: PASSWORD, tenant: 'tenant-a' }, ctx());
    const mine = await principalOf(await login.login({ source, email, password: PASSWORD, tenant: 'tenant-a' }, ctx()));
    const NEW = 'another passphrase, long enough';
    const wrong = await passwords.change(as(mine), { current_password: 'not it at all', new_password: NEW }).catch((e: GardienError) => e);
    expect(wrong).toMatchObject({ code: ErrorCode.ValidationFailed, details: [{ path: 'payload.current_password', reason: 'incorrect' }] });
    expect(await code(passwords.change(as(mine), { current_password: 'a second guess!', new_password: NEW }))).toBe(ErrorCode.RateLimited);
    await sleep(300);
    expect(await code(passwords.change(as(mine), { current_password: PASSWORD, new_password: PASSWORD }))).toBe(ErrorCode.ValidationFailed);
    await sleep(300); // the session's earlier wrong guess still sets its back-off
    await passwords.change(as(mine), { current_password: PASSWORD, new_password: NEW });
    expect(await code(login.refresh({ refresh_token: other.refresh_token }, ctx()))).toBe(ErrorCode.Unauthenticated);
    expect((await login.me(as(mine))).id).toBe(id);
    await sleep(300);
    expect(await code(login.login({ source: `${source}-old`, email, password: PASSWORD, tenant: 'tenant-a' }, ctx()))).toBe(ErrorCode.Unauthenticated);
    await sleep(300); // that failure's back-off on the account
    await login.login({ source: `${source}-new`, email, password: NEW, tenant: 'tenant-a' }, ctx());
    expect((await audits('password.changed')).filter((e) => e.target?.id === id)).toHaveLength(1);
    expect((await audits('password.change-refused')).filter((e) => e.target?.id === id)).toHaveLength(1);
  });
});

describe('throttle counters of current-password checks', () => {
  test('are keyed hashes, as the table is declared: no row names the account or its session in clear', async () => {
    const { email } = await userIn(adminA, ['user']);
    const mine = await principalOf(await login.login({ source, email, password: PASSWORD, tenant: 'tenant-a' }, ctx()));
    const before: Array<{ key: string }> = await runtime.query('SELECT key FROM auth_login_throttle');
    expect(await code(passwords.change(as(mine), { current_password: 'not it at all', new_password: 'another passphrase, long enough' }))).toBe(ErrorCode.ValidationFailed);
    const added = ((await runtime.query('SELECT key FROM auth_login_throttle')) as Array<{ key: string }>).filter((row) => !before.some((b) => b.key === row.key));
    // Positive control: the wrong guess was counted, under two keys (the account and the session).
    expect(added).toHaveLength(2);
    for (const { key } of added) {
      expect(key).not.toContain(mine.id);
      expect(key).not.toContain(mine.sessionId!);
    }
  });
});

describe('password change cost', () => {
  test('a change costs two argon2id runs (check the current password, hash the new one); an unchanged one costs none', async () => {
    const { email } = await userIn(adminA, ['user']);
    const mine = await principalOf(await login.login({ source, email, password: PASSWORD, tenant: 'tenant-a' }, ctx()));
    const counting = new CountingHasher();
    const changes = new PasswordChangeService(runtime, new UsersRepository(), counting, new CurrentPasswordCheck(runtime, new UsersRepository(), counting, new LoginThrottle(runtime, new LoginThrottleRepository()), blindIndex), new SessionsService(runtime, new SessionsRepository()), new OwnerApiKeys(new ApiKeysRepository()));
    expect(await code(changes.change(as(mine), { current_password: PASSWORD, new_password: PASSWORD }))).toBe(ErrorCode.ValidationFailed);
    expect(counting.runs).toBe(0);
    await changes.change(as(mine), { current_password: PASSWORD, new_password: 'another passphrase, long enough' });
    expect(counting.runs).toBe(2);
  });
});

describe('self-service MFA after logout', () => {
  test('an access token that outlived its session cannot enrol a second factor', async () => {
    const { email } = await userIn(adminA, ['user']);
    const user = await principalOf(await login.login({ source, email, password: PASSWORD, tenant: 'tenant-a' }, ctx()));
    await login.logout(as(user));
    expect(await code(mfa.enrol(as(user), { current_password: PASSWORD }))).toBe(ErrorCode.Unauthenticated);
  });
});

describe('users and roles', () => {
  test('the super-admin gives a new tenant its first administrator, once, and nothing more', async () => {
    const root: Principal = { kind: 'user', id: randomUUID(), tenantId: null, roles: ['superadmin'], mfa: true };
    const tenantC = directory.add('tenant-c');
    const input = { tenant_id: tenantC, email: 'first.admin@c.example', password: PASSWORD };
    expect(await code(accounts.createInitialAdmin(as({ ...root, mfa: false }), input))).toBe(ErrorCode.Forbidden);
    expect(await code(accounts.createInitialAdmin(as(adminA), input))).toBe(ErrorCode.Forbidden);
    expect(await code(accounts.createInitialAdmin(as(root), { ...input, tenant_id: randomUUID() }))).toBe(ErrorCode.NotFound);
    const admin = await accounts.createInitialAdmin(as(root), input);
    expect(admin).toMatchObject({ tenant_id: tenantC, roles: ['tenant_admin'], totp_uri: expect.stringMatching(/^otpauth:/) });
    expect(await code(accounts.createInitialAdmin(as(root), { ...input, email: 'second@c.example' }))).toBe(ErrorCode.Conflict);
    expect(await code(accounts.list(as(root)))).toBe(ErrorCode.Forbidden);
  });

  test('a tenant named by its id in upper case gets its first administrator under its own keys, who then logs in', async () => {
    const root: Principal = { kind: 'user', id: randomUUID(), tenantId: null, roles: ['superadmin'], mfa: true };
    const tenantD = directory.add('tenant-d');
    const admin = await accounts.createInitialAdmin(as(root), { tenant_id: tenantD.toUpperCase(), email: 'first.admin@d.example', password: PASSWORD });
    const totp = await currentTotp(totpSecretOf(admin.totp_uri!));
    const pair = await login.login({ source, email: 'first.admin@d.example', password: PASSWORD, tenant: 'tenant-d', totp }, ctx());
    expect(await principalOf(pair)).toMatchObject({ id: admin.id, tenantId: tenantD });
    expect(admin.tenant_id).toBe(tenantD);
    // One key set, the tenant's own: nothing was created in the KMS under the id as it was written.
    await expect(kms.generateDataKey({ service: 'auth', tenant: tenantD.toUpperCase() })).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' });
  });

  test('a tenant admin manages its users; another tenant’s admin cannot see or touch them', async () => {
    const adminBAccount = await bootstrapLessAdmin(tenantB);
    const member = await userIn(adminA, ['developer']);
    expect((await accounts.list(as(adminA))).map((u) => u.id)).toContain(member.id);
    expect((await accounts.list(as(adminBAccount))).map((u) => u.id)).not.toContain(member.id);
    expect(await code(accounts.get(as(adminBAccount), member.id))).toBe(ErrorCode.NotFound);
    expect(await code(accounts.setRoles(as(adminBAccount), { id: member.id, roles: ['tenant_admin'] }))).toBe(ErrorCode.NotFound);
    expect(await code(accounts.delete(as(adminBAccount), member.id))).toBe(ErrorCode.NotFound);
    expect(await code(accounts.resetMfa(as(adminBAccount), member.id))).toBe(ErrorCode.NotFound);

    const promoted = await accounts.setRoles(as(adminA), { id: member.id, roles: ['developer', 'auditor'] });
    expect(promoted.totp_uri).toMatch(/^otpauth:/);
    expect((await audits('role.changed')).some((e) => e.target?.id === member.id && e.details.auditor === true)).toBe(true);
    const reset = await accounts.resetMfa(as(adminA), member.id);
    expect(reset.totp_uri).not.toBe(promoted.totp_uri);
    expect((await audits('mfa.reset')).some((e) => e.target?.id === member.id)).toBe(true);
  });

  test('a developer cannot create users; nobody creates a super-admin through the API', async () => {
    const dev = await principalOf(await login.login({ source, ...(await userIn(adminA, ['developer'])), password: PASSWORD, tenant: 'tenant-a' }, ctx()));
    expect(await code(accounts.create(as(dev), { email: 'x@example.test', password: PASSWORD, roles: ['user'] }))).toBe(ErrorCode.Forbidden);
    expect(await code(accounts.create(as(adminA), { email: 'y@example.test', password: PASSWORD, roles: ['superadmin' as never] }))).toBe(ErrorCode.Forbidden);
    expect(await code(accounts.create(as(adminA), { email: 'z@example.test', password: PASSWORD, roles: ['user', 'superadmin' as never] }))).toBe(ErrorCode.Forbidden);
  });

  test('the same email twice in a tenant is a conflict that names no email', async () => {
    const email = `${randomUUID()}@example.test`;
    await userIn(adminA, ['user'], email);
    const keysBefore = await inTenant(tenantA, 'SELECT key_id FROM gardien_keys.subject_keys');
    const error = await accounts.create(as(adminA), { email, password: PASSWORD, roles: ['user'] }).catch((e: GardienError) => e);
    // The refused account leaves no data key behind.
    expect(await inTenant(tenantA, 'SELECT key_id FROM gardien_keys.subject_keys')).toHaveLength(keysBefore.length);
    expect(error).toMatchObject({ code: ErrorCode.Conflict });
    expect((error as GardienError).message).not.toContain(email);
  });

  test('deleting a user named by its id in upper case shreds the key of the user it deleted', async () => {
    const member = await userIn(adminA, ['user']);
    const subjectKey = 'SELECT key_id FROM gardien_keys.subject_keys WHERE subject_id = $1';
    expect(await inTenant(tenantA, subjectKey, [member.id])).toHaveLength(1);
    await accounts.delete(as(adminA), member.id.toUpperCase());
    expect(await inTenant(tenantA, 'SELECT id FROM auth_users WHERE id = $1', [member.id])).toHaveLength(0);
    expect(await inTenant(tenantA, subjectKey, [member.id])).toHaveLength(0);
    expect((await audits('user.deleted')).filter((e) => e.target?.id === member.id)).toHaveLength(1);
  });

  test('deleting a user ends its sessions and shreds its email', async () => {
    const member = await userIn(adminA, ['user']);
    const subjectKey = 'SELECT key_id FROM gardien_keys.subject_keys WHERE subject_id = $1';
    expect(await inTenant(tenantA, subjectKey, [member.id])).toHaveLength(1);
    const pair = await login.login({ source, email: member.email, password: PASSWORD, tenant: 'tenant-a' }, ctx());
    await accounts.delete(as(adminA), member.id);
    expect(await code(login.refresh({ refresh_token: pair.refresh_token }, ctx()))).toBe(ErrorCode.Unauthenticated);
    expect(await code(login.login({ source, email: member.email, password: PASSWORD, tenant: 'tenant-a' }, ctx()))).toBe(ErrorCode.Unauthenticated);
    expect(await inTenant(tenantA, subjectKey, [member.id])).toHaveLength(0);
    expect((await audits('user.deleted')).some((e) => e.target?.id === member.id)).toBe(true);
  });
});

describe('API keys', () => {
  test('bound to a declared purpose, shown once, stored hashed, exchanged for a purpose-bound token, revocable', async () => {
    directory.purposes.add('support');
    directory.allowedModels.set(tenantA, ['mistral:7b']);
    const dev = await principalOf(await login.login({ source, ...(await userIn(adminA, ['developer'])), password: PASSWORD, tenant: 'tenant-a' }, ctx()));
    expect(await code(apiKeys.create(as(dev), { name: 'bot', purpose: 'undeclared' }))).toBe(ErrorCode.ValidationFailed);
    const created = await apiKeys.create(as(dev), { name: 'bot', purpose: 'support', models: ['mistral:7b'] });
    expect(created.key).toMatch(/^gk1\./);
    const stored: Array<{ key_hash: string }> = await runtime.query('SELECT key_hash FROM auth_api_keys');
    expect(JSON.stringify(stored)).not.toContain(created.key.split('.')[3]);
    expect((await apiKeys.list(as(dev))).map((k) => k.id)).toEqual([created.id]);
    expect(JSON.stringify(await apiKeys.list(as(dev)))).not.toContain(created.key);

    const exchanged = await apiKeys.exchange(created.key, ctx());
    expect(await verifier.verify(exchanged.access_token)).toMatchObject({ kind: 'api_key', tenantId: tenantA, purposes: ['support'], models: ['mistral:7b'] });
    expect(await code(apiKeys.exchange(created.key.slice(0, -2) + 'xx', ctx()))).toBe(ErrorCode.Unauthenticated);

    const adminB = await bootstrapLessAdmin(tenantB);
    expect(await code(apiKeys.rotate(as(adminB), created.id))).toBe(ErrorCode.NotFound);
    const rotated = await apiKeys.rotate(as(dev), created.id);
    expect(rotated).toMatchObject({ id: created.id, purpose: 'support' });
    expect(await code(apiKeys.exchange(created.key, ctx()))).toBe(ErrorCode.Unauthenticated);
    expect((await apiKeys.exchange(rotated.key, ctx())).access_token).toBeTruthy();
    expect((await audits('api-key.rotated')).some((e) => e.target?.id === created.id)).toBe(true);
    created.key = rotated.key;
    expect(await code(apiKeys.revoke(as(adminB), created.id))).toBe(ErrorCode.NotFound);
    await apiKeys.revoke(as(dev), created.id);
    expect(await code(apiKeys.exchange(created.key, ctx()))).toBe(ErrorCode.Unauthenticated);
    expect((await audits('api-key.revoked')).some((e) => e.target?.id === created.id)).toBe(true);
  });

  test("a key names only models the tenant's settings allow (an empty list allows none); a key naming none follows the tenant's list", async () => {
    directory.purposes.add('support');
    directory.allowedModels.set(tenantA, ['mistral:7b']);
    const dev = await principalOf(await login.login({ source, ...(await userIn(adminA, ['developer'])), password: PASSWORD, tenant: 'tenant-a' }, ctx()));
    const keysOf = async () => (await apiKeys.list(as(dev))).length;
    const refused = await apiKeys.create(as(dev), { name: 'bot', purpose: 'support', models: ['mistral:7b', 'llama3:70b'] }).catch((e: GardienError) => e);
    expect(refused).toMatchObject({ code: ErrorCode.ValidationFailed, details: [{ path: 'payload.models.1', reason: 'model_not_allowed' }] });
    expect(JSON.stringify((refused as GardienError).toEnvelope())).not.toContain('llama3');
    expect(await keysOf()).toBe(0);
    expect((await apiKeys.create(as(dev), { name: 'bot', purpose: 'support', models: ['mistral:7b'] })).models).toEqual(['mistral:7b']);
    directory.allowedModels.set(tenantA, []);
    try {
      expect(await code(apiKeys.create(as(dev), { name: 'bot', purpose: 'support', models: ['mistral:7b'] }))).toBe(ErrorCode.ValidationFailed);
      expect((await apiKeys.create(as(dev), { name: 'any allowed', purpose: 'support' })).models).toBeNull();
      expect(await keysOf()).toBe(2);
    } finally {
      directory.allowedModels.set(tenantA, ['mistral:7b']);
    }
  });

  test('expired keys are refused; expiry is bounded to one year', async () => {
    directory.purposes.add('support');
    const dev = await principalOf(await login.login({ source, ...(await userIn(adminA, ['developer'])), password: PASSWORD, tenant: 'tenant-a' }, ctx()));
    const soon = new Date(Date.now() + 60_000).toISOString();
    const created = await apiKeys.create(as(dev), { name: 'short', purpose: 'support', expires_at: soon });
    expect(await code(apiKeys.exchange(created.key, ctx(), new Date(Date.now() + 120_000)))).toBe(ErrorCode.Unauthenticated);
    // The token a key is exchanged for never outlives the key (it would otherwise for its 2 minutes).
    const exchanged = await apiKeys.exchange(created.key, ctx());
    expect(exchanged.expires_in).toBeLessThanOrEqual(60);
    expect(decodeJwt(exchanged.access_token).exp! * 1000).toBeLessThanOrEqual(Date.parse(soon));
    const late = await apiKeys.exchange(created.key, ctx(), new Date(Date.parse(soon) - 10_500));
    expect(late.expires_in).toBeLessThanOrEqual(10);
    // Less than 3 s left, too short for the edge's exchange for the service it calls: refused.
    expect((await apiKeys.exchange(created.key, ctx(), new Date(Date.parse(soon) - 3_500))).expires_in).toBe(3);
    expect(await code(apiKeys.exchange(created.key, ctx(), new Date(Date.parse(soon) - 2_500)))).toBe(ErrorCode.Unauthenticated);
    const tooFar = new Date(Date.now() + 400 * 86_400_000).toISOString();
    expect(await code(apiKeys.create(as(dev), { name: 'long', purpose: 'support', expires_at: tooFar }))).toBe(ErrorCode.ValidationFailed);
  });
});

describe('recovery leaves an attacker nothing', () => {
  /** A developer logged in, with an API key of its own. */
  async function developerWithKey() {
    directory.purposes.add('support');
    const dev = await userIn(adminA, ['developer']);
    const pair = await login.login({ source, email: dev.email, password: PASSWORD, tenant: 'tenant-a' }, ctx());
    const principal = await principalOf(pair);
    const key = await apiKeys.create(as(principal), { name: 'bot', purpose: 'support' });
    expect((await apiKeys.exchange(key.key, ctx())).access_token).toBeTruthy();
    return { ...dev, pair, principal, key };
  }

  test("an MFA reset ends the user's sessions and revokes its API keys, audited with ids", async () => {
    const dev = await developerWithKey();
    await accounts.resetMfa(as(adminA), dev.id);
    expect(await code(login.refresh({ refresh_token: dev.pair.refresh_token }, ctx()))).toBe(ErrorCode.Unauthenticated);
    expect(await code(login.me(as(dev.principal)))).toBe(ErrorCode.Unauthenticated);
    expect(await code(apiKeys.exchange(dev.key.key, ctx()))).toBe(ErrorCode.Unauthenticated);
    const revoked = (await audits('api-key.revoked')).filter((e) => e.target?.id === dev.key.id);
    expect(revoked).toEqual([expect.objectContaining({ actor: { type: 'user', id: adminA.id }, details: { reason: 'mfa-reset', owner: dev.id } })]);
    expect((await audits('session.ended')).some((e) => e.target?.id === dev.principal.sessionId && e.details.reason === 'mfa-reset')).toBe(true);
    // Who ended it: the administrator who reset the factor, as every entry of that operation says.
    expect((await audits('session.ended')).filter((e) => e.target?.id === dev.principal.sessionId)).toEqual([
      expect.objectContaining({ actor: { type: 'user', id: adminA.id }, details: { reason: 'mfa-reset' } }),
    ]);
  });

  test('a password change revokes the API keys of the account, audited with ids', async () => {
    const dev = await developerWithKey();
    await passwords.change(as(dev.principal), { current_password: PASSWORD, new_password: 'another passphrase, long enough' });
    expect(await code(apiKeys.exchange(dev.key.key, ctx()))).toBe(ErrorCode.Unauthenticated);
    const revoked = (await audits('api-key.revoked')).filter((e) => e.target?.id === dev.key.id);
    expect(revoked).toEqual([expect.objectContaining({ actor: { type: 'user', id: dev.id }, details: { reason: 'password-changed', owner: dev.id } })]);
  });

  test('an API key is no longer exchanged once its owner lost every role that may hold keys, or is gone', async () => {
    const dev = await developerWithKey();
    await accounts.setRoles(as(adminA), { id: dev.id, roles: ['user'] });
    expect(await code(apiKeys.exchange(dev.key.key, ctx()))).toBe(ErrorCode.Unauthenticated);
    await accounts.setRoles(as(adminA), { id: dev.id, roles: ['developer'] });
    expect((await apiKeys.exchange(dev.key.key, ctx())).access_token).toBeTruthy();
    // An owner gone without its keys revoked (as a row deleted behind the service's back).
    await inTenant(tenantA, 'DELETE FROM auth_users WHERE id = $1', [dev.id]);
    expect(await code(apiKeys.exchange(dev.key.key, ctx()))).toBe(ErrorCode.Unauthenticated);
    // A tenant admin's key: its role counts, the account having its second factor.
    const adminKey = await apiKeys.create(as(adminA), { name: 'admin bot', purpose: 'support' });
    expect((await apiKeys.exchange(adminKey.key, ctx())).access_token).toBeTruthy();
  });
});

describe('storage', () => {
  test('emails and TOTP secrets are stored sealed; the email is found by its blind index only', async () => {
    const member = await userIn(adminA, ['auditor'], 'canary.storage@example.test');
    const rows: Array<Record<string, unknown>> = await runtime.query(
      `SELECT * FROM auth_users WHERE id = $1`,
      [member.id],
    );
    expect(rows).toHaveLength(0); // no tenant set: row-level security hides every row
    const stored = await inTenant(tenantA, 'SELECT * FROM auth_users WHERE id = $1', [member.id]);
    expect(stored).toHaveLength(1);
    const dump = JSON.stringify(stored);
    expect(dump).toContain('g1.');
    expect(dump).not.toContain('canary.storage');
    expect(dump).not.toContain(member.secret!);
  });
});

/** A tenant admin of another tenant, created without the API (as a bootstrap would). */
async function bootstrapLessAdmin(tenantId: string): Promise<Principal> {
  const id = await createDirect(tenantId, ['tenant_admin']);
  return { kind: 'user', id, tenantId, roles: ['tenant_admin'], mfa: true };
}

async function createDirect(tenantId: string, roles: ['tenant_admin']): Promise<string> {
  const existing = (await inTenant(tenantId, `SELECT id FROM auth_users WHERE 'tenant_admin' = ANY (roles) LIMIT 1`)) as Array<{ id: string }>;
  if (existing[0]) return existing[0].id;
  const { row } = await factory.prepare(tenantId, { email: `${randomUUID()}@b.example`, password: PASSWORD, roles });
  await withTenant(runtime, tenantId, (m) => new UsersRepository().insert(m, row));
  return row.id;
}

function inTenant(tenantId: string, query: string, params: unknown[] = []): Promise<unknown[]> {
  return withTenant(runtime, tenantId, (m) => m.query(query, params));
}

