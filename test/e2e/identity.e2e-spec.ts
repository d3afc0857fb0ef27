// Identity, tenants and access, end to end: the seven processes started as in production, the
// platform bootstrapped with the `gardien bootstrap` command, everything else through the edge's
// HTTP API. Bootstrap (once, never over HTTP), login with MFA, refresh rotation with reuse
// detection, logout, brute force, tenants, users, purposes and API keys; the data inventories of
// auth and tenant answered over the bus, retention overrides checked against them, a member
// exported and erased by the rights pipeline's own token; then the database checks: row-level
// security seen from each service's runtime role, and no clear email in any dump.
import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import {
  BootstrapResult,
  BusClient,
  DataInventory,
  serviceOperations,
  serviceTokenOperation,
  tokenExchangeOperation,
  type BusService,
  type GardienError,
} from '@gardien/contracts';
import {
  ADMIN_URL,
  connectAs,
  databasesOf,
  dropTestDatabases,
  dumpLeaks,
  findLeaks,
  PlatformProcesses,
  PrivateNats,
  suiteCanaries,
  testDatabasePrefix,
} from '@gardien/testing';
import { EdgeClient, freshTotp, runCli, someClientAddress, totpSecretOf, type HttpAnswer } from './identity-support.js';

const prefix = testDatabasePrefix();
const PASSWORD = 'a passphrase long enough to pass';
const canaries = suiteCanaries();
/** Every email used: none may appear in a log line or a database dump. */
const emails = {
  root: `root.${canaries.email}`,
  adminA: `admin.a.${canaries.email}`,
  adminB: `admin.b.${canaries.email}`,
  dpo: `dpo.${canaries.email}`,
  member: `member.${canaries.email}`,
  developer: `developer.${canaries.email}`,
  memberB: `member.b.${canaries.email}`,
};
const usedCodes = new Set<string>();

let nats: PrivateNats;
let connection: NatsConnection;
let bus: BusClient;
let pipelineConnection: NatsConnection;
let pipelineBus: BusClient;
let platform: PlatformProcesses;
let edge: EdgeClient;
let bootstrap: BootstrapResult;
const secrets: Record<string, string> = {};
const tokens: Record<string, string> = {};
let tenantB: string;

/** The client address of the current test (see GARDIEN_TRUSTED_PROXIES below). */
let source = '';
beforeEach(() => {
  source = someClientAddress();
});

const api = (method: string, path: string, options: Parameters<EdgeClient['call']>[2] = {}) =>
  edge.call(method, `/api/v1${path}`, { ...options, headers: { 'x-forwarded-for': source, ...options.headers } });

async function login(email: string, tenant: string | undefined, secret?: string): Promise<HttpAnswer> {
  return api('POST', '/auth/login', { body: { email, password: PASSWORD, ...(tenant ? { tenant } : {}), ...(secret ? { totp: await freshTotp(secret, usedCodes) } : {}) } });
}

function cliEnv(): Record<string, string> {
  return { GARDIEN_NATS_URL: nats.url, GARDIEN_BOOTSTRAP_PASSWORD: PASSWORD };
}

beforeAll(async () => {
  nats = await PrivateNats.start();
  // As behind the reverse proxy: the edge believes X-Forwarded-For from 127.0.0.1, so that each test
  // can come from its own address and per-source throttling of one test does not spill into another.
  platform = await PlatformProcesses.start({ databasePrefix: prefix, natsUrl: nats.url, env: { GARDIEN_TRUSTED_PROXIES: '127.0.0.1' } });
  edge = new EdgeClient(platform.edgeUrl);
  // The test calls the bus as the edge does (the token exchange is the edge's alone), and as the rights pipeline.
  connection = await connectAs(nats.url, 'edge-api');
  bus = new BusClient(connection, 10_000);
  pipelineConnection = await connectAs(nats.url, 'rights-pipeline');
  pipelineBus = new BusClient(pipelineConnection, 10_000);
}, 60_000);

afterAll(async () => {
  await connection?.close();
  await pipelineConnection?.close();
  await platform?.dispose();
  await nats?.dispose();
  await dropTestDatabases(prefix);
});

describe('bootstrap', () => {
  test('gardien bootstrap creates the super-admin and the first tenant, prints one JSON object, and refuses a second run', async () => {
    const run = await runCli(
      ['bootstrap', '--admin-email', emails.root, '--tenant', 'tenant-a', '--tenant-name', 'Tenant A', '--tenant-admin-email', emails.adminA],
      cliEnv(),
    );
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    bootstrap = BootstrapResult.parse(JSON.parse(run.stdout));
    expect(bootstrap.tenant?.slug).toBe('tenant-a');
    expect(run.stderr).not.toContain(canaries.email);
    expect(run.stderr).not.toContain(PASSWORD);
    expect(run.stderr).not.toContain('otpauth');
    secrets.root = totpSecretOf(bootstrap.superadmin.totp_uri);
    secrets.adminA = totpSecretOf(bootstrap.tenant!.admin.totp_uri);

    const again = await runCli(['bootstrap', '--admin-email', `other.${canaries.email}`], cliEnv());
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toContain('already bootstrapped');
  }, 60_000);
});

describe('login and sessions', () => {
  test('an account that requires MFA gets problem type mfa-required until it gives a code', async () => {
    const withoutCode = await login(emails.root, undefined);
    expect(withoutCode.status).toBe(401);
    expect(withoutCode.headers.get('content-type')).toContain('application/problem+json');
    expect(withoutCode.body.type).toMatch(/\/mfa-required$/);
    const root = await login(emails.root, undefined, secrets.root);
    expect(root.status).toBe(200);
    expect(root.body).toMatchObject({ token_type: 'Bearer', expires_in: expect.any(Number), access_token: expect.any(String), refresh_token: expect.any(String) });
    tokens.root = root.body.access_token;
    const adminA = await login(emails.adminA, 'tenant-a', secrets.adminA);
    expect(adminA.status).toBe(200);
    tokens.adminA = adminA.body.access_token;
    const me = await api('GET', '/me', { token: tokens.adminA });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: emails.adminA, tenant_id: bootstrap.tenant!.id, roles: ['tenant_admin'], mfa_enrolled: true });
  });

  test('the super-admin creates tenant B and gives it its first administrator', async () => {
    const created = await api('POST', '/tenants', { token: tokens.root, body: { slug: 'tenant-b', name: 'Tenant B' } });
    expect(created.status).toBe(201);
    tenantB = created.body.id;
    const admin = await api('POST', `/tenants/${tenantB}/admin`, { token: tokens.root, body: { email: emails.adminB, password: PASSWORD } });
    expect(admin.status).toBe(201);
    secrets.adminB = totpSecretOf(admin.body.totp_uri);
    const adminB = await login(emails.adminB, 'tenant-b', secrets.adminB);
    expect(adminB.status).toBe(200);
    tokens.adminB = adminB.body.access_token;
    // The super-admin runs tenants, not their people: it cannot list a tenant's users.
    expect((await api('GET', '/users', { token: tokens.root })).status).toBe(403);
  });

  test('refresh rotates the token; reusing a spent one revokes the session; logout ends it', async () => {
    const user = await api('POST', '/users', { token: tokens.adminA, body: { email: emails.member, password: PASSWORD, roles: ['user'] } });
    expect(user.status).toBe(201);
    expect(user.body.totp_uri).toBeUndefined();
    const first = await login(emails.member, 'tenant-a');
    expect(first.status).toBe(200);
    const second = await api('POST', '/auth/refresh', { body: { refresh_token: first.body.refresh_token } });
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.body.refresh_token);
    const reused = await api('POST', '/auth/refresh', { body: { refresh_token: first.body.refresh_token } });
    expect(reused.status).toBe(401);
    expect((await api('POST', '/auth/refresh', { body: { refresh_token: second.body.refresh_token } })).status).toBe(401);
    expect((await api('GET', '/me', { token: second.body.access_token })).status).toBe(401);

    const third = await login(emails.member, 'tenant-a');
    expect((await api('GET', '/me', { token: third.body.access_token })).status).toBe(200);
    expect((await api('POST', '/auth/logout', { token: third.body.access_token })).status).toBe(204);
    expect((await api('GET', '/me', { token: third.body.access_token })).status).toBe(401);
    expect((await api('POST', '/auth/refresh', { body: { refresh_token: third.body.refresh_token } })).status).toBe(401);
  });

  test('brute force: the 6th wrong password in a row is locked out; an unknown account gets the same answer as a wrong password', async () => {
    const wrong = await api('POST', '/auth/login', { body: { email: emails.member, password: 'not the password at all', tenant: 'tenant-a' } });
    const unknown = await api('POST', '/auth/login', {
      body: { email: `nobody.${canaries.email}`, password: 'not the password at all', tenant: 'tenant-a' },
      headers: { 'x-forwarded-for': '198.51.100.7' },
    });
    const comparable = (answer: HttpAnswer) => ({ status: answer.status, type: answer.body.type, title: answer.body.title, detail: answer.body.detail, code: answer.body.code });
    expect(comparable(wrong)).toEqual(comparable(unknown));
    expect(wrong.status).toBe(401);
    for (let attempt = 2; attempt <= 5; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** (attempt - 2) + 50));
      expect((await api('POST', '/auth/login', { body: { email: emails.member, password: 'not the password at all', tenant: 'tenant-a' } })).status).toBe(401);
    }
    const sixth = await login(emails.member, 'tenant-a');
    expect(sixth.status).toBe(429);
    expect(sixth.body.code).toBe('RATE_LIMITED');
  }, 30_000);
});

describe('data inventory and subject operations, over the bus', () => {
  /** A client's token (for the edge) exchanged, as the edge does, for one service. */
  const exchanged = async (token: string, audience: BusService) =>
    (await bus.call(tokenExchangeOperation('edge-api'), { audience }, { requestId: randomUUID(), token })).access_token;
  const outcome = (promise: Promise<unknown>) =>
    promise.then(
      () => 'answered',
      (error: GardienError) => error.code,
    );

  test('auth and tenant answer their inventories to the super-admin and a DPO (with MFA), and refuse a member', async () => {
    const dpo = await api('POST', '/users', { token: tokens.adminA, body: { email: emails.dpo, password: PASSWORD, roles: ['dpo'] } });
    expect(dpo.status).toBe(201);
    secrets.dpo = totpSecretOf(dpo.body.totp_uri);
    const dpoLogin = await login(emails.dpo, 'tenant-a', secrets.dpo);
    expect(dpoLogin.status).toBe(200);
    tokens.dpo = dpoLogin.body.access_token;
    const created = await api('POST', '/users', { token: tokens.adminA, body: { email: `inventory.${canaries.email}`, password: PASSWORD, roles: ['user'] } });
    expect(created.status).toBe(201);
    const plain = await login(`inventory.${canaries.email}`, 'tenant-a');
    expect(plain.status).toBe(200);
    tokens.plain = plain.body.access_token;

    const inventories: Record<string, DataInventory> = {};
    for (const service of ['auth', 'tenant'] as const) {
      for (const who of ['root', 'dpo'] as const) {
        const inventory = await bus.call(serviceOperations(service).inventory, {}, { requestId: randomUUID(), token: await exchanged(tokens[who]!, service) });
        inventories[service] = DataInventory.parse(inventory);
      }
      expect(await outcome(bus.call(serviceOperations(service).inventory, {}, { requestId: randomUUID(), token: await exchanged(tokens.plain, service) }))).toBe('FORBIDDEN');
    }
    expect(inventories.auth!.personal_data.map(({ table }) => table)).toEqual(expect.arrayContaining(['auth_users', 'auth_sessions', 'auth_refresh_tokens', 'auth_api_keys', 'auth_login_throttle']));
    expect(inventories.auth!.personal_data.find(({ table }) => table === 'auth_users')).toMatchObject({ sealed: ['email', 'totp_secret'], blind_indexes: ['email_index'], erasure: { action: 'delete' } });
    expect(inventories.auth!.no_personal_data.map(({ table }) => table)).toContain('auth_signing_keys');
    expect(inventories.tenant!.no_personal_data.map(({ table }) => table)).toEqual(expect.arrayContaining(['tenant_tenants', 'tenant_settings', 'tenant_purposes']));
    expect(JSON.stringify(inventories)).not.toContain(canaries.email);
  }, 30_000);

  test("a tenant's retention overrides are checked against what auth declares, which the tenant service asks auth over the bus", async () => {
    const settings = `/tenants/${bootstrap.tenant!.id}/settings`;
    const tooLong = await api('PATCH', settings, { token: tokens.adminA, body: { retention_days: { 'auth.sessions': 31 } } });
    expect(tooLong.status).toBe(400);
    expect(JSON.stringify(tooLong.body)).toContain('exceeds_declared_maximum');
    const fixed = await api('PATCH', settings, { token: tokens.adminA, body: { retention_days: { 'auth.login-throttle': 1 } } });
    expect(fixed.status).toBe(400);
    expect(JSON.stringify(fixed.body)).toContain('not_shortenable');
    const unknown = await api('PATCH', settings, { token: tokens.adminA, body: { retention_days: { 'vector-store.chunks': 1 } } });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain('unknown_category');
    const shortened = await api('PATCH', settings, { token: tokens.adminA, body: { retention_days: { 'auth.sessions': 7, 'auth.api-keys': 30 } } });
    expect(shortened.status).toBe(200);
    expect(shortened.body.retention_days).toEqual({ 'auth.sessions': 7, 'auth.api-keys': 30 });

    // Auth applies them (durable consumer of settings.updated, created by gardien provision): its purge reads them.
    const admin = new pg.Client({ connectionString: urlOf(`${prefix}_auth`, 'postgres') });
    await admin.connect();
    try {
      const applied = async () =>
        (await admin.query('SELECT kind, days FROM gardien_retention_overrides WHERE tenant_id = $1 ORDER BY kind', [bootstrap.tenant!.id])).rows as Array<{ kind: string; days: number }>;
      const deadline = Date.now() + 10_000;
      while ((await applied()).length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await applied()).toEqual([
        { kind: 'api-keys', days: 30 },
        { kind: 'sessions', days: 7 },
      ]);
    } finally {
      await admin.end();
    }
  }, 20_000);

  test('the rights pipeline, with its own token, exports and erases a member in auth; the member can log in no more', async () => {
    const email = `erasable.${canaries.email}`;
    const created = await api('POST', '/users', { token: tokens.adminA, body: { email, password: PASSWORD, roles: ['user'] } });
    expect(created.status).toBe(201);
    const session = await login(email, 'tenant-a');
    expect(session.status).toBe(200);
    const ref = { tenant_id: bootstrap.tenant!.id, subject_id: created.body.id as string };
    const pipeline = (await pipelineBus.call(serviceTokenOperation('rights-pipeline'), { audience: 'auth' }, { requestId: randomUUID() })).access_token;
    const asPipeline = () => ({ requestId: randomUUID(), token: pipeline });

    // Not the tenant's administrator, not the DPO: the pipeline executes approved requests.
    for (const who of ['adminA', 'dpo'] as const) {
      expect(await outcome(pipelineBus.call(serviceOperations('auth').subjectErase, ref, { requestId: randomUUID(), token: await exchanged(tokens[who]!, 'auth') }))).toBe('FORBIDDEN');
    }
    // Asked by another process (its answer wanted in the edge's inbox), even with the pipeline's token: dropped unanswered.
    expect(await outcome(bus.call(serviceOperations('auth').subjectErase, ref, asPipeline(), { timeoutMs: 1_000 }))).toBe('TIMEOUT');
    const exported = await pipelineBus.call(serviceOperations('auth').subjectExport, ref, asPipeline());
    expect(exported.tables.find(({ table }) => table === 'auth_users')!.rows).toEqual([expect.objectContaining({ id: ref.subject_id, email })]);
    expect(exported.tables.find(({ table }) => table === 'auth_sessions')!.rows).toHaveLength(1);

    const erased = await pipelineBus.call(serviceOperations('auth').subjectErase, ref, asPipeline());
    expect(erased).toMatchObject({ changed: true, keys_destroyed: 1 });
    expect((await pipelineBus.call(serviceOperations('auth').subjectErase, ref, asPipeline())).changed).toBe(false);
    expect((await login(email, 'tenant-a')).status).toBe(401);
    expect((await api('GET', '/me', { token: session.body.access_token })).status).toBe(401);
    expect((await api('POST', '/auth/refresh', { body: { refresh_token: session.body.refresh_token } })).status).toBe(401);
  }, 30_000);
});

describe('tenant deletion', () => {
  test('deleting tenant B ends its logins, and auth forgets its accounts (through the tenant.deleted event)', async () => {
    expect((await api('DELETE', `/tenants/${tenantB}`, { token: tokens.adminA })).status).toBe(403);
    expect((await api('DELETE', `/tenants/${tenantB}`, { token: tokens.root })).status).toBe(204);
    const admin = new pg.Client({ connectionString: urlOf(`${prefix}_auth`, 'postgres') });
    await admin.connect();
    try {
      const accountsOfB = async () => (await admin.query('SELECT count(*)::int AS n FROM auth_users WHERE tenant_id = $1', [tenantB])).rows[0].n as number;
      const keysOfB = async () => (await admin.query('SELECT count(*)::int AS n FROM gardien_keys.subject_keys WHERE tenant_id = $1', [tenantB])).rows[0].n as number;
      const deadline = Date.now() + 10_000;
      // The keys are destroyed once the rows' transaction has committed: both are waited for.
      while (((await accountsOfB()) > 0 || (await keysOfB()) > 0) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await accountsOfB()).toBe(0);
      expect(await keysOfB()).toBe(0);
    } finally {
      await admin.end();
    }
    // The same answer as for any wrong credential (a code is not even asked for).
    expect((await login(emails.adminB, 'tenant-b')).status).toBe(401);
    expect((await api('GET', '/tenants', { token: tokens.root })).body.tenants.map((t: { id: string }) => t.id)).not.toContain(tenantB);
  }, 20_000);
});

describe('storage', () => {
  test("row-level security, seen from each service's runtime role: not owner, not BYPASSRLS, and no tenant table shows a row without a tenant", async () => {
    const databases = await databasesOf(prefix);
    expect(databases).toHaveLength(6);
    const populated: Record<string, number> = {};
    for (const database of databases) {
      const admin = new pg.Client({ connectionString: urlOf(database, 'postgres') });
      const runtime = new pg.Client({ connectionString: urlOf(database, `${database}_app`) });
      await admin.connect();
      await runtime.connect();
      try {
        const role = await runtime.query('SELECT current_user AS name, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user');
        expect(role.rows[0]).toEqual({ name: `${database}_app`, rolsuper: false, rolbypassrls: false });
        const tables = await runtime.query(
          `SELECT c.oid::regclass::text AS name, pg_get_userbyid(c.relowner) AS owner, c.relrowsecurity, c.relforcerowsecurity
             FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
             JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')`,
        );
        expect(tables.rows.length).toBeGreaterThan(0);
        for (const table of tables.rows) {
          const where = `${database}.${table.name}`;
          expect({ where, owner: table.owner === `${database}_app`, rls: table.relrowsecurity, forced: table.relforcerowsecurity }).toEqual({ where, owner: false, rls: true, forced: true });
          const seen = await runtime.query(`SELECT count(*)::int AS n FROM ${table.name}`);
          expect({ where, rows: seen.rows[0].n }).toEqual({ where, rows: 0 });
          populated[where] = (await admin.query(`SELECT count(*)::int AS n FROM ${table.name}`)).rows[0].n;
        }
      } finally {
        await runtime.end();
        await admin.end();
      }
    }
    // The check means something only where rows exist: the identity tables hold this run's data.
    for (const table of [`${prefix}_auth.auth_users`, `${prefix}_auth.auth_sessions`, `${prefix}_tenant.tenant_tenants`, `${prefix}_tenant.tenant_settings`]) {
      expect({ table, populated: (populated[table] ?? 0) > 0 }).toEqual({ table, populated: true });
    }
  });

  test('no clear email in any database dump, nor in any process output', async () => {
    const { dumped, leaks } = await dumpLeaks(prefix, canaries);
    expect(dumped).toHaveLength(6);
    expect(leaks).toEqual([]);
    const output = platform.lines.map((l) => l.line).join('\n');
    expect(findLeaks(output, canaries)).toEqual([]);
    expect(output).not.toContain(PASSWORD);
  });
});

function urlOf(database: string, role: string): string {
  const url = new URL(ADMIN_URL);
  url.username = role;
  url.pathname = `/${database}`;
  return url.toString();
}
