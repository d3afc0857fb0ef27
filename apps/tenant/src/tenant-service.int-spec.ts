// The tenant service's operations against the machine's Postgres, as the service's runtime role
// under row-level security, with a local KMS: tenants (super-admin, and the auth service for
// bootstrap), settings and purposes, each change audited with its event in its own transaction,
// and every cross-tenant or unprivileged attempt refused.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { jetstream } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import pg from 'pg';
import { pino } from 'pino';
import type { DataSource } from 'typeorm';
import {
  audienceOf,
  AuditEntry,
  BusClient,
  callerOf,
  ErrorCode,
  TENANT_OPERATIONS,
  TOKEN_ISSUER,
  type AccessTokenClaims,
  type BusOperation,
  type Caller,
  type GardienError,
  type Principal,
  type ReplyOf,
  type RequestOf,
  purposeAuditRef,
} from '@gardien/contracts';
import { ServiceTokens, TokenVerifier } from '@gardien/authz';
import {
  BlindIndex,
  CreateGardienKeys1732579300000,
  LocalKms,
  PostgresSubjectKeyStore,
  PostgresTenantKeyStore,
  SubjectKeyRing,
  generateMasterKeyFile,
} from '@gardien/crypto';
import { ServiceMetrics } from '@gardien/observability';
import { CreateOutbox1732579200000, OutboxRelay, openServiceDatabase, tenantScopedSql, withTenant } from '@gardien/persistence';
import { BusExceptionFilter, ReadyNatsServer } from '@gardien/platform';
import { ADMIN_URL, PrivateNats, dropTestDatabases, testDatabasePrefix } from '@gardien/testing';
import { AppModule } from './app.module.js';
import { TENANT_INVENTORY } from './data-inventory.js';
import { TENANT_MIGRATIONS } from './migrations/index.js';
import { PurposesRepository } from './purposes/purposes.repository.js';
import { PurposesService } from './purposes/purposes.service.js';
import { ModelPolicyService } from './model-policy/model-policy.service.js';
import { DeclaredRetention } from './settings/declared-retention.js';
import type { DeclaredRetentionPeriod } from './settings/settings-update.js';
import { SettingsRepository } from './settings/settings.repository.js';
import { SettingsService } from './settings/settings.service.js';
import { TenantKeys } from './tenants/tenant-keys.js';
import { TenantsRepository } from './tenants/tenants.repository.js';
import { TenantsService } from './tenants/tenants.service.js';

/** The retention auth declares, as its inventory would answer over the bus (that path is tested end to end). */
class DeclaredByAuth extends DeclaredRetention {
  constructor() {
    super(undefined as never, undefined as never);
  }
  override async periodsFor(categories: readonly string[]): Promise<Record<string, DeclaredRetentionPeriod>> {
    const declared: Record<string, DeclaredRetentionPeriod> = { 'auth.sessions': { maxDays: 30, tenantMayShorten: true } };
    return Object.fromEntries(categories.filter((category) => Object.hasOwn(declared, category)).map((category) => [category, declared[category]!]));
  }
}

const prefix = testDatabasePrefix();
const dir = mkdtempSync(join(tmpdir(), 'gardien-tenant-'));
let runtime: DataSource;
let database: string;
let kms: LocalKms;
let keyRing: SubjectKeyRing;
let blindIndex: BlindIndex;
let tenants: TenantsService;
let settings: SettingsService;
let purposes: PurposesService;
let modelPolicy: ModelPolicyService;

beforeAll(async () => {
  const opened = await openServiceDatabase({
    service: 'tenant',
    prefix,
    adminUrl: ADMIN_URL,
    migrations: [CreateOutbox1732579200000, CreateGardienKeys1732579300000, ...TENANT_MIGRATIONS],
  });
  runtime = opened.runtime;
  database = opened.db.database;
  await generateMasterKeyFile(join(dir, 'master.key'));
  kms = await LocalKms.open({ service: 'tenant', dataDir: dir, masterKeyFile: join(dir, 'master.key'), generateMasterKeyIfMissing: false });
  keyRing = new SubjectKeyRing({ service: 'tenant', kms, store: new PostgresSubjectKeyStore(tenantScopedSql(runtime)) });
  blindIndex = new BlindIndex({ service: 'tenant', kms, store: new PostgresTenantKeyStore(tenantScopedSql(runtime)) });
  const settingsRepository = new SettingsRepository();
  tenants = new TenantsService(runtime, new TenantsRepository(), settingsRepository, new TenantKeys(keyRing, blindIndex));
  settings = new SettingsService(runtime, settingsRepository, new DeclaredByAuth());
  purposes = new PurposesService(runtime, new PurposesRepository());
  modelPolicy = new ModelPolicyService(runtime, new TenantsRepository(), settingsRepository, new PurposesRepository());
});

afterAll(async () => {
  await runtime?.destroy();
  await dropTestDatabases(prefix);
  rmSync(dir, { recursive: true, force: true });
});

// --- callers --------------------------------------------------------------------------------------

const as = (principal: Principal): Caller => callerOf(principal, { requestId: randomUUID() });
const superadmin = as({ kind: 'user', id: randomUUID(), tenantId: null, roles: ['superadmin'], mfa: true });
const authService = as({ kind: 'service', id: 'auth', tenantId: null, roles: [], mfa: false });
/** Another platform service in its own name: it holds no grant on tenants. */
const gatewayService = as({ kind: 'service', id: 'llm-gateway', tenantId: null, roles: [], mfa: false });
const vectorStoreService = as({ kind: 'service', id: 'vector-store', tenantId: null, roles: [], mfa: false });
const member = (tenantId: string, role: Principal['roles'][number]) => as({ kind: 'user', id: randomUUID(), tenantId, roles: [role], mfa: true });

const refusedWith = (code: ErrorCode) => (promise: Promise<unknown>) => expect(promise).rejects.toMatchObject({ code });
const forbidden = refusedWith(ErrorCode.Forbidden);
const notFound = refusedWith(ErrorCode.NotFound);

let slugs = 0;
const newSlug = () => `tenant-${process.pid}-${(slugs += 1)}`;

async function twoTenants(): Promise<[string, string]> {
  const a = await tenants.create(superadmin, { slug: newSlug(), name: 'Tenant A' });
  const b = await tenants.create(superadmin, { slug: newSlug(), name: 'Tenant B' });
  return [a.id, b.id];
}

// --- what reached the outbox ----------------------------------------------------------------------

interface OutboxRow {
  subject: string;
  payload: Record<string, unknown>;
}

async function outboxFor(tenantId: string): Promise<OutboxRow[]> {
  return runtime.query(`SELECT subject, payload FROM gardien_outbox WHERE payload->>'tenantId' = $1 ORDER BY created_at`, [tenantId]);
}

async function outboxCount(): Promise<number> {
  const [row]: Array<{ count: number }> = await runtime.query('SELECT count(*)::int AS count FROM gardien_outbox');
  return row!.count;
}

async function auditsOf(tenantId: string, action: string): Promise<AuditEntry[]> {
  return (await outboxFor(tenantId)).filter((row) => row.subject === `gardien.audit.tenant.${action}`).map((row) => AuditEntry.parse(row.payload));
}

async function eventsOf(tenantId: string, name: string): Promise<Array<Record<string, unknown>>> {
  return (await outboxFor(tenantId)).filter((row) => row.subject === `gardien.events.tenant.${name}`).map((row) => row.payload);
}

async function expectChangeRecorded(tenantId: string, action: string, by: Caller, target: AuditEntry['target'], event: Record<string, unknown> = {}) {
  const [entry, ...more] = await auditsOf(tenantId, action);
  expect(more).toEqual([]);
  expect(entry).toMatchObject({
    service: 'tenant',
    action,
    outcome: 'success',
    tenantId,
    actor: { type: by.principal.kind === 'user' ? 'user' : 'service', id: by.principal.id },
    target,
    requestId: by.requestId,
  });
  expect(await eventsOf(tenantId, action)).toEqual([{ tenantId, ...event }]);
}

// --- tenants ----------------------------------------------------------------------------------------

describe('tenants', () => {
  test('the super-admin creates a tenant, with the default settings, audited with its event', async () => {
    const slug = newSlug();
    const tenant = await tenants.create(superadmin, { slug, name: 'Cabinet Martin' });
    expect(tenant).toEqual({ id: expect.any(String), slug, name: 'Cabinet Martin', status: 'active', created_at: expect.any(String) });
    expect(await settings.get(superadmin, tenant.id)).toMatchObject({
      tenant_id: tenant.id,
      allowed_models: [],
      quotas: { requests_per_minute: 600, tokens_per_day: 1_000_000 },
      retention_days: {},
    });
    await expectChangeRecorded(tenant.id, 'tenant.created', superadmin, { type: 'tenant', id: tenant.id });
    expect(JSON.stringify(await outboxFor(tenant.id))).not.toMatch(/Cabinet|Martin|tenant-\d/);
  });

  test('a taken slug is a CONFLICT, and leaves nothing behind', async () => {
    const slug = newSlug();
    await tenants.create(superadmin, { slug, name: 'First' });
    const before = await outboxCount();
    await refusedWith(ErrorCode.Conflict)(tenants.create(superadmin, { slug, name: 'Second' }));
    expect(await outboxCount()).toBe(before);
    const names = (await tenants.list(superadmin)).tenants.filter((t) => t.slug === slug).map((t) => t.name);
    expect(names).toEqual(['First']);
  });

  test('the super-admin lists every tenant and gets any; an unknown one is NOT_FOUND', async () => {
    const a = await tenants.create(superadmin, { slug: newSlug(), name: 'A' });
    const b = await tenants.create(superadmin, { slug: newSlug(), name: 'B' });
    const listed = (await tenants.list(superadmin)).tenants.map((t) => t.id);
    expect(listed).toEqual(expect.arrayContaining([a.id, b.id]));
    expect(await tenants.get(superadmin, b.id)).toEqual(b);
    await notFound(tenants.get(superadmin, randomUUID()));
  });

  test('suspend and resume change the status, each audited with its event; repeating one records nothing', async () => {
    const tenant = await tenants.create(superadmin, { slug: newSlug(), name: 'S' });
    expect((await tenants.suspend(superadmin, tenant.id)).status).toBe('suspended');
    expect((await tenants.suspend(superadmin, tenant.id)).status).toBe('suspended');
    await expectChangeRecorded(tenant.id, 'tenant.suspended', superadmin, { type: 'tenant', id: tenant.id });
    expect((await tenants.resume(superadmin, tenant.id)).status).toBe('active');
    await expectChangeRecorded(tenant.id, 'tenant.resumed', superadmin, { type: 'tenant', id: tenant.id });
    await notFound(tenants.suspend(superadmin, randomUUID()));
  });

  test('delete removes the tenant, its settings and purposes, destroys its keys, and is audited', async () => {
    const tenant = await tenants.create(superadmin, { slug: newSlug(), name: 'D' });
    await purposes.create(member(tenant.id, 'tenant_admin'), { id: 'support', name: 'Support', legal_basis: 'contract' });
    const place = { table: 'tenant_probe', recordId: 'r1', column: 'secret' };
    const sealed = await keyRing.encryptFor({ tenant: tenant.id, subject: 'probe' }, place, 'sealed before deletion');
    await blindIndex.compute(tenant.id, 'probe', 'value');

    expect(await tenants.delete(superadmin, tenant.id)).toEqual({});

    const left = await withTenant(runtime, tenant.id, (m) =>
      m.query(`SELECT (SELECT count(*) FROM tenant_tenants)::int AS tenants, (SELECT count(*) FROM tenant_settings)::int AS settings,
                      (SELECT count(*) FROM tenant_purposes)::int AS purposes, (SELECT count(*) FROM gardien_keys.subject_keys)::int AS subject_keys,
                      (SELECT count(*) FROM gardien_keys.tenant_keys)::int AS tenant_keys`),
    );
    expect(left).toEqual([{ tenants: 0, settings: 0, purposes: 0, subject_keys: 0, tenant_keys: 0 }]);
    await expect(kms.generateDataKey({ service: 'tenant', tenant: tenant.id })).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' });
    await expect(keyRing.decryptFor({ tenant: tenant.id, subject: 'probe' }, place, sealed)).rejects.toBeDefined();
    await expectChangeRecorded(tenant.id, 'tenant.deleted', superadmin, { type: 'tenant', id: tenant.id });
    await notFound(tenants.get(superadmin, tenant.id));
    await notFound(tenants.resolve(authService, { id: tenant.id }));
    await notFound(tenants.delete(superadmin, tenant.id));
  });

  test('a tenant deleted by its id in upper case loses its keys, and the deletion is recorded under its canonical id', async () => {
    const tenant = await tenants.create(superadmin, { slug: newSlug(), name: 'U' });
    const place = { table: 'tenant_probe', recordId: 'r1', column: 'secret' };
    const sealed = await keyRing.encryptFor({ tenant: tenant.id, subject: 'probe' }, place, 'sealed before deletion');
    expect(await tenants.delete(superadmin, tenant.id.toUpperCase())).toEqual({});
    await expect(kms.generateDataKey({ service: 'tenant', tenant: tenant.id })).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' });
    await expect(keyRing.decryptFor({ tenant: tenant.id, subject: 'probe' }, place, sealed)).rejects.toBeDefined();
    await expectChangeRecorded(tenant.id, 'tenant.deleted', superadmin, { type: 'tenant', id: tenant.id });
  });

  test('the auth service may create a tenant (bootstrap) and delete it (its compensation), as a service actor', async () => {
    const tenant = await tenants.create(authService, { slug: newSlug(), name: 'Bootstrap' });
    await expectChangeRecorded(tenant.id, 'tenant.created', authService, { type: 'tenant', id: tenant.id });
    await tenants.delete(authService, tenant.id);
    await expectChangeRecorded(tenant.id, 'tenant.deleted', authService, { type: 'tenant', id: tenant.id });
  });

  test('a platform service without a grant on tenants (the gateway, in its own name) may neither resolve, create, read nor delete one', async () => {
    const tenant = await tenants.create(superadmin, { slug: newSlug(), name: 'Guarded' });
    await forbidden(tenants.resolve(gatewayService, { slug: tenant.slug }));
    await forbidden(tenants.resolve(gatewayService, { id: randomUUID() }));
    await forbidden(tenants.create(gatewayService, { slug: newSlug(), name: 'Nope' }));
    await forbidden(tenants.get(gatewayService, tenant.id));
    await forbidden(tenants.delete(gatewayService, tenant.id));
    expect((await tenants.get(superadmin, tenant.id)).status).toBe('active');
  });

  test('a tenant admin, a super-admin without MFA, or a tenant service account named "auth" can do nothing to tenants', async () => {
    const own = await tenants.create(superadmin, { slug: newSlug(), name: 'Own' });
    const callers = [
      member(own.id, 'tenant_admin'),
      as({ ...superadmin.principal, mfa: false }),
      as({ kind: 'service', id: 'auth', tenantId: own.id, roles: ['service'], mfa: false }),
    ];
    for (const caller of callers) {
      await forbidden(tenants.create(caller, { slug: newSlug(), name: 'Nope' }));
      await forbidden(tenants.list(caller));
      await forbidden(tenants.get(caller, own.id));
      await forbidden(tenants.suspend(caller, own.id));
      await forbidden(tenants.resume(caller, own.id));
      await forbidden(tenants.delete(caller, own.id));
    }
    expect((await tenants.get(superadmin, own.id)).status).toBe('active');
    expect(await auditsOf(own.id, 'tenant.deleted')).toEqual([]);
  });

  test('a change whose transaction fails at commit leaves neither the change nor its audit entry nor its event', async () => {
    const admin = new pg.Client({ connectionString: Object.assign(new URL(ADMIN_URL), { pathname: `/${database}` }).toString() });
    await admin.connect();
    try {
      await admin.query(`CREATE FUNCTION refuse_probe() RETURNS trigger LANGUAGE plpgsql AS $$
                         BEGIN IF NEW.slug = 'refused-at-commit' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NULL; END $$`);
      await admin.query(`CREATE CONSTRAINT TRIGGER refuse_probe AFTER INSERT ON tenant_tenants DEFERRABLE INITIALLY DEFERRED
                         FOR EACH ROW EXECUTE FUNCTION refuse_probe()`);
      const before = await outboxCount();
      await expect(tenants.create(superadmin, { slug: 'refused-at-commit', name: 'Never' })).rejects.toThrow(/refused by the test/);
      expect(await outboxCount()).toBe(before);
      expect((await tenants.list(superadmin)).tenants.filter((t) => t.slug === 'refused-at-commit')).toEqual([]);
      // The same create, without the trigger, does write its entry and event: the count above could have moved.
      await admin.query('DROP TRIGGER refuse_probe ON tenant_tenants');
      await tenants.create(superadmin, { slug: 'refused-at-commit', name: 'Now' });
      expect(await outboxCount()).toBe(before + 2);
    } finally {
      await admin.end();
    }
  });
});

describe('resolve', () => {
  test('the auth service resolves a tenant by slug or id; unknown ones are NOT_FOUND', async () => {
    const slug = newSlug();
    const tenant = await tenants.create(superadmin, { slug, name: 'R' });
    await tenants.suspend(superadmin, tenant.id);
    expect(await tenants.resolve(authService, { slug })).toEqual({ id: tenant.id, slug, status: 'suspended' });
    expect(await tenants.resolve(authService, { id: tenant.id })).toEqual({ id: tenant.id, slug, status: 'suspended' });
    await notFound(tenants.resolve(authService, { slug: 'no-such-tenant' }));
    await notFound(tenants.resolve(authService, { id: randomUUID() }));
  });

  test('anyone but the auth service is refused, even for an existing tenant', async () => {
    const slug = newSlug();
    const tenant = await tenants.create(superadmin, { slug, name: 'R2' });
    for (const caller of [
      superadmin,
      member(tenant.id, 'tenant_admin'),
      as({ kind: 'service', id: 'auth', tenantId: tenant.id, roles: ['service'], mfa: false }),
      as({ kind: 'user', id: 'auth', tenantId: null, roles: [], mfa: false }),
    ]) {
      await forbidden(tenants.resolve(caller, { slug }));
      await forbidden(tenants.resolve(caller, { id: tenant.id }));
    }
  });
});

// --- settings ---------------------------------------------------------------------------------------

describe('settings', () => {
  let a: string;
  let b: string;
  beforeAll(async () => {
    [a, b] = await twoTenants();
  });

  test('the tenant admin reads and updates its settings; the update is audited with ids only', async () => {
    const admin = member(a, 'tenant_admin');
    const updated = await settings.update(admin, {
      tenant_id: a,
      allowed_models: ['mistral:7b-instruct'],
      quotas: { tokens_per_day: 50_000 },
      retention_days: { 'auth.sessions': 7 },
    });
    expect(updated).toMatchObject({
      tenant_id: a,
      allowed_models: ['mistral:7b-instruct'],
      quotas: { requests_per_minute: 600, tokens_per_day: 50_000 },
      retention_days: { 'auth.sessions': 7 },
    });
    expect(await settings.get(admin, a)).toEqual(updated);
    await expectChangeRecorded(a, 'settings.updated', admin, { type: 'tenant-settings', id: a });
    const [entry] = await auditsOf(a, 'settings.updated');
    expect(entry!.details).toEqual({ allowedModels: true, quotas: true, guards: false, retentionDays: true });
    expect(JSON.stringify(await outboxFor(a))).not.toContain('mistral');
  });

  test('an update that changes nothing is not recorded', async () => {
    const admin = member(a, 'tenant_admin');
    const current = await settings.get(admin, a);
    await settings.update(admin, { tenant_id: a, allowed_models: current.allowed_models });
    expect(await auditsOf(a, 'settings.updated')).toHaveLength(1);
  });

  test('a tenant admin of A can neither read nor update the settings of B', async () => {
    const adminA = member(a, 'tenant_admin');
    const before = await settings.get(member(b, 'tenant_admin'), b);
    await forbidden(settings.get(adminA, b));
    await forbidden(settings.update(adminA, { tenant_id: b, allowed_models: ['llama3:70b'] }));
    // The answer is the same for a tenant that does not exist: it tells nothing.
    await forbidden(settings.get(adminA, randomUUID()));
    expect(await settings.get(member(b, 'tenant_admin'), b)).toEqual(before);
    expect(await auditsOf(b, 'settings.updated')).toEqual([]);
  });

  test('the super-admin reads any tenant’s settings but changes none', async () => {
    expect((await settings.get(superadmin, b)).tenant_id).toBe(b);
    await forbidden(settings.update(superadmin, { tenant_id: b, quotas: { requests_per_minute: 1 } }));
    await notFound(settings.get(superadmin, randomUUID()));
  });

  test('the models a caller may call are its own tenant’s allowed ones (an API key’s, narrowed to its own); settings stay private', async () => {
    await settings.update(member(a, 'tenant_admin'), { tenant_id: a, allowed_models: ['mistral:7b-instruct', 'llama3.1:8b'] });
    await settings.update(member(b, 'tenant_admin'), { tenant_id: b, allowed_models: ['evil:1b'] });
    expect(await settings.allowedModels(member(a, 'developer'))).toEqual({ models: ['mistral:7b-instruct', 'llama3.1:8b'] });
    const key = as({ kind: 'api_key', id: randomUUID(), tenantId: a, roles: ['service'], mfa: false, purposes: ['support'], models: ['llama3.1:8b', 'evil:1b'] });
    expect(await settings.allowedModels(key)).toEqual({ models: ['llama3.1:8b'] });
    // A role that may call no model gets an empty list; the platform's services and admin get none.
    expect(await settings.allowedModels(member(a, 'auditor'))).toEqual({ models: [] });
    expect(await settings.allowedModels(authService)).toEqual({ models: [] });
    expect(await settings.allowedModels(superadmin)).toEqual({ models: [] });
    // Auth in its own name may not read a tenant's settings: it asks for the models as the caller.
    await forbidden(settings.get(authService, a));
    await forbidden(settings.update(authService, { tenant_id: a, allowed_models: ['evil:1b'] }));
  });

  test("a service reads a tenant's retention overrides of its own categories, and of no other service; no one else reads them so", async () => {
    const admin = member(a, 'tenant_admin');
    await settings.update(admin, { tenant_id: a, retention_days: { 'auth.sessions': 5 } });
    await withTenant(runtime, a, (m) => m.query(`UPDATE tenant_settings SET retention_days = retention_days || '{"vector-store.chunks": 3}'::jsonb WHERE tenant_id = $1`, [a]));
    expect(await settings.ownRetentionOverrides(authService, a)).toEqual({ tenant_id: a, retention_days: { 'auth.sessions': 5 } });
    for (const caller of [gatewayService, admin, member(a, 'dpo'), superadmin]) await forbidden(settings.ownRetentionOverrides(caller, a));
    await notFound(settings.ownRetentionOverrides(authService, randomUUID()));
  });

  test('other roles of the tenant may not read or change its settings', async () => {
    for (const role of ['dpo', 'developer', 'auditor', 'user'] as const) {
      await forbidden(settings.get(member(a, role), a));
      await forbidden(settings.update(member(a, role), { tenant_id: a, allowed_models: [] }));
    }
  });

  test('retention overrides must name a declared category and stay within its maximum; a refused update changes nothing', async () => {
    const admin = member(a, 'tenant_admin');
    const before = await settings.get(admin, a);
    const outbox = await outboxCount();
    const tooLong = (await settings
      .update(admin, { tenant_id: a, retention_days: { 'auth.sessions': 31 } })
      .catch((e: unknown) => e)) as GardienError;
    expect(tooLong.toEnvelope()).toEqual({
      code: ErrorCode.ValidationFailed,
      reason: 'retention_override_refused',
      message: expect.any(String),
      details: [{ path: 'payload.retention_days.auth.sessions', reason: 'exceeds_declared_maximum' }],
    });
    const unknown = (await settings
      .update(admin, { tenant_id: a, allowed_models: [], retention_days: { 'chat.history': 10 } })
      .catch((e: unknown) => e)) as GardienError;
    expect(unknown.toEnvelope()).toEqual({
      code: ErrorCode.ValidationFailed,
      reason: 'retention_override_refused',
      message: expect.any(String),
      details: [{ path: 'payload.retention_days.*', reason: 'unknown_category' }],
    });
    expect(JSON.stringify(unknown.toEnvelope())).not.toContain('chat');
    expect(await settings.get(admin, a)).toEqual(before);
    expect(await outboxCount()).toBe(outbox);
  });
});

// --- purposes ---------------------------------------------------------------------------------------

describe('purposes', () => {
  let a: string;
  let b: string;
  beforeAll(async () => {
    [a, b] = await twoTenants();
  });

  test('the tenant admin declares a purpose, audited and announced with ids only', async () => {
    const admin = member(a, 'tenant_admin');
    const purpose = await purposes.create(admin, { id: 'support', name: 'Support client', legal_basis: 'legal_obligation', description: 'Tickets' });
    expect(purpose).toEqual({
      id: 'support',
      tenant_id: a,
      name: 'Support client',
      legal_basis: 'legal_obligation',
      description: 'Tickets',
      retention_days: null,
      created_at: expect.any(String),
    });
    await expectChangeRecorded(a, 'purpose.created', admin, { type: 'purpose', id: purposeAuditRef(a, 'support') }, { purposeId: 'support' });
    expect(JSON.stringify(await outboxFor(a))).not.toMatch(/Support client|Tickets/);
  });

  test('the same id twice in a tenant is a CONFLICT; in another tenant it is its own purpose', async () => {
    await refusedWith(ErrorCode.Conflict)(purposes.create(member(a, 'tenant_admin'), { id: 'support', name: 'Again', legal_basis: 'consent' }));
    const inB = await purposes.create(member(b, 'tenant_admin'), { id: 'support', name: 'Support B', legal_basis: 'consent' });
    expect(inB).toMatchObject({ tenant_id: b, name: 'Support B', description: null });
    expect((await purposes.get(member(a, 'developer'), 'support')).name).toBe('Support client');
  });

  test('readers of a tenant see only its purposes; another tenant’s purpose is not found', async () => {
    await purposes.create(member(b, 'tenant_admin'), { id: 'b-only', name: 'Only in B', legal_basis: 'contract' });
    for (const role of ['tenant_admin', 'dpo', 'developer'] as const) {
      const reader = member(a, role);
      const listed = (await purposes.list(reader)).purposes;
      expect(listed.map((p) => p.id)).toEqual(['support']);
      expect(listed.every((p) => p.tenant_id === a)).toBe(true);
      await notFound(purposes.get(reader, 'b-only'));
    }
    expect((await purposes.list(member(b, 'dpo'))).purposes.map((p) => p.id)).toEqual(['b-only', 'support']);
  });

  test('only the tenant admin declares purposes; users, auditors and callers of no tenant may not read them', async () => {
    for (const role of ['dpo', 'developer', 'auditor', 'user'] as const) {
      await forbidden(purposes.create(member(a, role), { id: `by-${role}`, name: 'No', legal_basis: 'consent' }));
    }
    for (const caller of [member(a, 'user'), member(a, 'auditor'), superadmin, authService]) {
      await forbidden(purposes.list(caller));
      await forbidden(purposes.get(caller, 'support'));
    }
    await forbidden(purposes.create(superadmin, { id: 'platform', name: 'No', legal_basis: 'consent' }));
    expect((await purposes.list(member(a, 'tenant_admin'))).purposes.map((p) => p.id)).toEqual(['support']);
  });

  test('a purpose may declare a retention, read back in lists and in the policy the gateway and the vector store read; audited as any creation', async () => {
    const admin = member(b, 'tenant_admin');
    const purpose = await purposes.create(admin, { id: 'short-lived', name: 'Short-lived', legal_basis: 'contract', retention_days: 30 });
    expect(purpose).toMatchObject({ id: 'short-lived', retention_days: 30 });
    expect((await purposes.list(member(b, 'developer'))).purposes.find((p) => p.id === 'short-lived')).toEqual(purpose);
    expect(await purposes.get(member(b, 'dpo'), 'short-lived')).toEqual(purpose);
    const audited = (await auditsOf(b, 'purpose.created')).filter((entry) => entry.target?.id === purposeAuditRef(b, 'short-lived'));
    expect(audited).toEqual([expect.objectContaining({ actor: { type: 'user', id: admin.principal.id }, details: { legalBasis: 'contract' } })]);
    for (const service of [gatewayService, vectorStoreService]) {
      const { purposes: declared } = await modelPolicy.get(service, b);
      expect(declared.find((p) => p.id === 'short-lived')).toEqual({ id: 'short-lived', legal_basis: 'contract', retention_days: 30 });
      expect(declared.find((p) => p.id === 'support')).toEqual({ id: 'support', legal_basis: 'consent' });
    }
  });

  test('the database refuses a retention out of 1..3650 days even if one got past the contract', async () => {
    for (const days of [0, -1, 3651]) {
      await expect(purposes.create(member(b, 'tenant_admin'), { id: `bad-${days < 0 ? 'neg' : days}`, name: 'Bad', legal_basis: 'contract', retention_days: days })).rejects.toThrow(/check constraint/);
    }
    expect((await purposes.list(member(b, 'tenant_admin'))).purposes.map((p) => p.id)).not.toContain('bad-0');
  });
});

// --- over the bus -----------------------------------------------------------------------------------

describe('model policy', () => {
  let a: string;
  let b: string;
  beforeAll(async () => {
    [a, b] = await twoTenants();
  });

  test('the gateway reads what decides a model call in any tenant: status, models, quotas, guards, legal bases', async () => {
    const admin = member(a, 'tenant_admin');
    await settings.update(admin, { tenant_id: a, allowed_models: ['mistral:7b'], quotas: { tokens_per_minute: 9_000, api_key: { requests_per_day: 50 } }, guards: { output_leaks: 'block' } });
    await purposes.create(admin, { id: 'support', name: 'Support', legal_basis: 'contract' });
    await purposes.create(admin, { id: 'marketing', name: 'Marketing', legal_basis: 'consent' });
    expect(await modelPolicy.get(gatewayService, a)).toEqual({
      tenant_id: a,
      active: true,
      allowed_models: ['mistral:7b'],
      quotas: { requests_per_minute: 600, requests_per_day: 100_000, tokens_per_minute: 9_000, tokens_per_day: 1_000_000, api_key: { requests_per_day: 50 } },
      guards: { injection: 'block', output_leaks: 'block' },
      purposes: [
        { id: 'marketing', legal_basis: 'consent' },
        { id: 'support', legal_basis: 'contract' },
      ],
    });
    await tenants.suspend(superadmin, b);
    expect(await modelPolicy.get(gatewayService, b)).toMatchObject({ tenant_id: b, active: false, allowed_models: [], purposes: [] });
    await tenants.resume(superadmin, b);
  });

  test('no one else reads another tenant’s policy; members who may not read settings read none; an unknown tenant says nothing', async () => {
    expect((await modelPolicy.get(member(a, 'tenant_admin'), a)).tenant_id).toBe(a);
    await forbidden(modelPolicy.get(member(a, 'tenant_admin'), b));
    for (const role of ['developer', 'user', 'auditor', 'dpo', 'service'] as const) await forbidden(modelPolicy.get(member(a, role), a));
    await forbidden(modelPolicy.get(authService, a));
    await notFound(modelPolicy.get(gatewayService, randomUUID()));
  });
});

describe('over the bus', () => {
  let nats: PrivateNats;
  let connection: NatsConnection;
  let app: INestMicroservice;
  let bus: BusClient;
  let signingKey: CryptoKey;

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    signingKey = privateKey;
    const { x } = await exportJWK(publicKey);
    const keySet = { keys: [{ kty: 'OKP' as const, crv: 'Ed25519' as const, x: x!, kid: 'k1', alg: 'EdDSA' as const, use: 'sig' as const }] };
    nats = await PrivateNats.start();
    connection = await connect({ servers: nats.url });
    const logger = pino({ level: 'silent' });
    const module = AppModule.register({
      service: 'tenant',
      config: {},
      logger,
      metrics: new ServiceMetrics('tenant'),
      dataSource: runtime,
      connection,
      bus: new BusClient(connection, 5_000),
      outbox: new OutboxRelay(runtime, jetstream(connection), logger),
      kms,
      keyRing,
      blindIndex,
      tokens: new TokenVerifier(async () => keySet, { audience: audienceOf('tenant') }),
      serviceTokens: new ServiceTokens(new BusClient(connection, 5_000), 'tenant'),
      inventory: TENANT_INVENTORY,
      instanceId: 'tenant-test',
      startedAt: Date.now(),
    });
    app = await NestFactory.createMicroservice<MicroserviceOptions>(module, {
      strategy: new ReadyNatsServer({ servers: nats.url, queue: 'tenant' }),
      logger: false,
    });
    app.useGlobalFilters(new BusExceptionFilter(logger));
    await app.listen();
    bus = new BusClient(connection, 5_000);
  });

  afterAll(async () => {
    await app?.close();
    await connection?.close();
    await nats?.dispose();
  });

  async function tokenOf(principal: Principal): Promise<string> {
    const claims: Omit<AccessTokenClaims, 'sub'> = { tid: principal.tenantId, kind: principal.kind, roles: principal.roles, mfa: principal.mfa };
    return new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'k1' })
      .setIssuer(TOKEN_ISSUER)
      .setAudience(audienceOf('tenant'))
      .setSubject(principal.id)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(signingKey);
  }

  const call = async <O extends BusOperation>(who: Caller, operation: O, payload: unknown): Promise<ReplyOf<O>> =>
    bus.call(operation, payload as RequestOf<O>, { requestId: randomUUID(), token: await tokenOf(who.principal) });

  test('every operation answers with its contract’s reply', async () => {
    const slug = newSlug();
    const tenant = await call(superadmin, TENANT_OPERATIONS.createTenant, { slug, name: 'Over the bus' });
    expect((await call(superadmin, TENANT_OPERATIONS.listTenants, {})).tenants).toContainEqual(tenant);
    expect(await call(superadmin, TENANT_OPERATIONS.getTenant, { id: tenant.id })).toEqual(tenant);
    expect((await call(superadmin, TENANT_OPERATIONS.suspendTenant, { id: tenant.id })).status).toBe('suspended');
    expect((await call(superadmin, TENANT_OPERATIONS.resumeTenant, { id: tenant.id })).status).toBe('active');
    expect(await call(authService, TENANT_OPERATIONS.resolveTenant, { slug })).toEqual({ id: tenant.id, slug, status: 'active' });

    const admin = member(tenant.id, 'tenant_admin');
    const settingsUpdate = { tenant_id: tenant.id, quotas: { requests_per_minute: 60 } };
    expect((await call(admin, TENANT_OPERATIONS.updateSettings, settingsUpdate)).quotas.requests_per_minute).toBe(60);
    expect((await call(superadmin, TENANT_OPERATIONS.getSettings, { tenant_id: tenant.id })).tenant_id).toBe(tenant.id);

    const purpose = await call(admin, TENANT_OPERATIONS.createPurpose, { id: 'support', name: 'Support', legal_basis: 'contract' });
    expect(await call(member(tenant.id, 'dpo'), TENANT_OPERATIONS.getPurpose, { id: 'support' })).toEqual(purpose);
    expect(await call(member(tenant.id, 'developer'), TENANT_OPERATIONS.listPurposes, {})).toEqual({ purposes: [purpose] });
    expect((await call(gatewayService, TENANT_OPERATIONS.getModelPolicy, { tenant_id: tenant.id })).purposes).toEqual([{ id: 'support', legal_basis: 'contract' }]);
    const kept = await call(admin, TENANT_OPERATIONS.createPurpose, { id: 'kept-a-day', name: 'Kept a day', legal_basis: 'contract', retention_days: 1 });
    expect(kept).toMatchObject({ retention_days: 1 });
    expect((await call(member(tenant.id, 'developer'), TENANT_OPERATIONS.listPurposes, {})).purposes).toEqual([kept, purpose]);
    expect((await call(vectorStoreService, TENANT_OPERATIONS.getModelPolicy, { tenant_id: tenant.id })).purposes).toContainEqual({ id: 'kept-a-day', legal_basis: 'contract', retention_days: 1 });
    for (const retention_days of [0, 3651, 1.5, '30', null]) {
      await expect(call(admin, TENANT_OPERATIONS.createPurpose, { id: 'refused', name: 'Refused', legal_basis: 'contract', retention_days })).rejects.toMatchObject({ code: ErrorCode.ValidationFailed });
    }
    expect((await call(admin, TENANT_OPERATIONS.listPurposes, {})).purposes.map((p) => p.id)).toEqual(['kept-a-day', 'support']);

    expect(await call(superadmin, TENANT_OPERATIONS.deleteTenant, { id: tenant.id })).toEqual({});
  });

  test('a change made over the bus is audited as the caller its token proves, in the request it came with', async () => {
    const requestId = randomUUID();
    const tenant = await bus.call(TENANT_OPERATIONS.createTenant, { slug: newSlug(), name: 'Audited' }, { requestId, token: await tokenOf(superadmin.principal) });
    const [entry] = await auditsOf(tenant.id, 'tenant.created');
    expect(entry).toMatchObject({ actor: { type: 'user', id: superadmin.principal.id }, target: { type: 'tenant', id: tenant.id }, requestId });
    // A request id that is not a UUID (a ULID) travels in logs, not in audit entries.
    const other = await bus.call(TENANT_OPERATIONS.createTenant, { slug: newSlug(), name: 'Audited' }, { requestId: '01JDQ4B3Y7ZK5M8N9P0QRSTVWX', token: await tokenOf(superadmin.principal) });
    expect((await auditsOf(other.id, 'tenant.created'))[0]).toMatchObject({ requestId: null });
  });

  test('a call without a valid token, with unknown fields, or from a caller without the right is refused', async () => {
    const own = (await tenants.create(superadmin, { slug: newSlug(), name: 'Refusals' })).id;
    await expect(bus.call(TENANT_OPERATIONS.listTenants, {}, { requestId: randomUUID() })).rejects.toMatchObject({ code: ErrorCode.Unauthenticated });
    await expect(call(superadmin, TENANT_OPERATIONS.createTenant, { slug: newSlug(), name: 'X', owner: 'x@example.fr' })).rejects.toMatchObject({
      code: ErrorCode.ValidationFailed,
    });
    await expect(call(member(own, 'tenant_admin'), TENANT_OPERATIONS.createTenant, { slug: newSlug(), name: 'X' })).rejects.toMatchObject({
      code: ErrorCode.Forbidden,
    });
    await expect(call(superadmin, TENANT_OPERATIONS.resolveTenant, { id: own })).rejects.toMatchObject({ code: ErrorCode.Forbidden });
    await expect(call(member(own, 'tenant_admin'), TENANT_OPERATIONS.getSettings, { tenant_id: randomUUID() })).rejects.toMatchObject({
      code: ErrorCode.Forbidden,
    });
  });
});
