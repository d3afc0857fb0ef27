// The subject operations the platform mounts from a data inventory, end to end: a probe service's
// PlatformModule on a real NATS, its database on the machine's Postgres as the runtime role under
// row-level security, its keys in a real key ring (local KMS). Export opens sealed columns and
// leaves blind indexes and withheld columns out; erasure leaves no row and no key (kept rows keep
// only ciphertext, their blind indexes cleared), a second one changes nothing and says so, a key
// left behind by a failure is found and destroyed by the next; another tenant's subject of the same
// id is untouched; only the rights pipeline's own token is obeyed; restriction is recorded and
// lifted, audited; nothing personal reaches an audit entry or a log line.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Injectable, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { jetstream } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { pino } from 'pino';
import type { DataSource, QueryRunner } from 'typeorm';
import {
  AuditEntry,
  BusClient,
  ErrorCode,
  PLATFORM_TENANT_ID,
  TOKEN_ISSUER,
  audienceOf,
  serviceOperations,
  type BusService,
  type GardienError,
  type Principal,
  type SubjectExport,
} from '@gardien/contracts';
import { TokenVerifier } from '@gardien/authz';
import {
  BlindIndex,
  CryptoErrorCode,
  LocalKms,
  PostgresSubjectKeyStore,
  PostgresTenantKeyStore,
  SubjectKeyRing,
  generateMasterKeyFile,
} from '@gardien/crypto';
import { ServiceMetrics } from '@gardien/observability';
import {
  OutboxRelay,
  PLATFORM_MIGRATIONS,
  PersonalDataCodec,
  SubjectRestrictions,
  declareDataInventory,
  enableTenantIsolation,
  openServiceDatabase,
  personalDataStore,
  tenantScopedSql,
  withTenant,
  type SubjectDataOperations,
} from '@gardien/persistence';
import { ADMIN_URL, PrivateNats, dropTestDatabases, findLeaks, makeCanaries, testDatabasePrefix } from '@gardien/testing';
import { BusExceptionFilter } from './bus-exception.filter.js';
import { PlatformModule, type PlatformOptions, type PlatformResources } from './platform.module.js';
import { ReadyNatsServer } from './ready-nats.server.js';

const SERVICE = 'vector-store' as const;
const prefix = testDatabasePrefix();
const dir = mkdtempSync(join(tmpdir(), 'gardien-subject-data-'));
const tenantA = randomUUID();
const tenantB = randomUUID();
const subject = randomUUID();
const bystander = randomUUID();
const canaries = { subject: makeCanaries(), twin: makeCanaries(), bystander: makeCanaries() };
const logLines: string[] = [];
const logger = pino({ level: 'debug' }, { write: (line: string) => logLines.push(line) });

const common = { dataCategories: ['identification'], subjectCategories: ['document-subjects'], purposes: ['probe-care'], recipients: ['the probe'] } as const;
const PEOPLE = personalDataStore({
  ...common,
  table: 'probe_people',
  description: 'people',
  subject: { type: 'column', column: 'id' },
  tenantColumn: 'tenant_id',
  recordId: 'id',
  sealed: ['email', 'display_name'] as const,
  blindIndexes: { email_index: { source: 'email', normalise: 'email' } },
  withheld: { secret_hash: 'a verifier of a credential' },
  retention: { until: 'erased', justification: 'a test' },
  erasure: { action: 'delete' },
});
const NOTES = personalDataStore({
  ...common,
  dataCategories: ['health'],
  table: 'probe_notes',
  description: 'notes about people',
  subject: { type: 'through', column: 'person_id', table: 'probe_people', references: 'id' },
  tenantColumn: 'tenant_id',
  recordId: 'id',
  sealed: ['body'] as const,
  retention: { until: 'erased', justification: 'a test' },
  erasure: { action: 'delete' },
});
const INVOICES = personalDataStore({
  ...common,
  dataCategories: ['economic-financial'],
  table: 'probe_invoices',
  description: 'invoices',
  subject: { type: 'column', column: 'customer_id' },
  tenantColumn: 'tenant_id',
  recordId: 'id',
  sealed: ['customer_name'] as const,
  blindIndexes: { name_index: { source: 'customer_name', normalise: 'exact' } },
  retention: { until: 'ten years after the end of the financial year', justification: 'a test' },
  erasure: { action: 'keep', obligation: 'accounting records are kept ten years (French commercial code, art. L123-22)' },
});
const INVENTORY = declareDataInventory({
  service: SERVICE,
  processing: { 'probe-care': { description: 'a test', legalBasis: 'contract', legalBasisDetail: 'a test' } },
  // Erasure order: notes (through people), then people and invoices.
  personalData: [PEOPLE, NOTES, INVOICES],
  noPersonalData: [],
});

class CreateProbeTables1732590000000 {
  name = 'CreateProbeTables1732590000000';
  async up(runner: QueryRunner) {
    await runner.query(`CREATE TABLE probe_people (id uuid NOT NULL, tenant_id uuid NOT NULL, email text NOT NULL, email_index text NOT NULL,
      display_name text, secret_hash text, created_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (tenant_id, id))`);
    await runner.query(`CREATE TABLE probe_notes (id uuid PRIMARY KEY, tenant_id uuid NOT NULL, person_id uuid NOT NULL, body text NOT NULL,
      FOREIGN KEY (tenant_id, person_id) REFERENCES probe_people (tenant_id, id))`);
    await runner.query(`CREATE TABLE probe_invoices (id uuid PRIMARY KEY, tenant_id uuid NOT NULL, customer_id uuid NOT NULL, customer_name text NOT NULL,
      name_index text, amount_cents integer NOT NULL)`);
    for (const table of ['probe_people', 'probe_notes', 'probe_invoices']) await enableTenantIsolation(runner, table);
  }
  async down(runner: QueryRunner) {
    await runner.query('DROP TABLE probe_invoices, probe_notes, probe_people');
  }
}

/** The key store of the running service, whose next deletion can be made to fail (a KMS or database outage between the rows and the keys). */
class FlakyKeyStore extends PostgresSubjectKeyStore {
  failNextDelete = false;
  override async delete(tenant: string, subjectId: string): Promise<boolean> {
    if (this.failNextDelete) {
      this.failNextDelete = false;
      throw new Error('key store unavailable');
    }
    return super.delete(tenant, subjectId);
  }
}

let runtime: DataSource;
let kms: LocalKms;
let keyStore: FlakyKeyStore;
let codecs: { people: PersonalDataCodec<'email' | 'display_name'>; notes: PersonalDataCodec<'body'>; invoices: PersonalDataCodec<'customer_name'> };
let nats: PrivateNats;
let connection: NatsConnection;
let bus: BusClient;
let signingKey: CryptoKey;
const apps: INestMicroservice[] = [];

let keySet: { keys: Array<{ kty: 'OKP'; crv: 'Ed25519'; x: string; kid: string; alg: 'EdDSA'; use: 'sig' }> };

async function startService(service: BusService, options: PlatformOptions = {}): Promise<void> {
  const sql = tenantScopedSql(runtime);
  const keyRing = new SubjectKeyRing({ service: SERVICE, kms, store: keyStore });
  const resources: PlatformResources = {
    service,
    config: {},
    logger,
    metrics: new ServiceMetrics(service),
    dataSource: runtime,
    connection,
    bus: new BusClient(connection, 5_000),
    outbox: new OutboxRelay(runtime, jetstream(connection), logger),
    kms,
    keyRing,
    blindIndex: new BlindIndex({ service: SERVICE, kms, store: new PostgresTenantKeyStore(sql) }),
    tokens: new TokenVerifier(async () => keySet, { audience: audienceOf(service) }),
    inventory: INVENTORY,
    instanceId: `${service}-test`,
    startedAt: Date.now(),
  };
  @Module({ imports: [PlatformModule.forService(resources, options)] })
  class ProbeAppModule {}
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(ProbeAppModule, { strategy: new ReadyNatsServer({ servers: nats.url, queue: service }), logger: false });
  app.useGlobalFilters(new BusExceptionFilter(logger));
  await app.listen();
  apps.push(app);
}

async function tokenFor(principal: Principal, audience: BusService = SERVICE): Promise<string> {
  return new SignJWT({ tid: principal.tenantId, kind: principal.kind, roles: principal.roles, mfa: principal.mfa })
    .setProtectedHeader({ alg: 'EdDSA', kid: 'k1' })
    .setIssuer(TOKEN_ISSUER)
    .setAudience(audienceOf(audience))
    .setSubject(principal.id)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(signingKey);
}

const service = (id: string): Principal => ({ kind: 'service', id, tenantId: null, roles: [], mfa: false });
const RIGHTS_PIPELINE = service('rights-pipeline');
const operations = serviceOperations(SERVICE);
const ref = (tenantId: string, subjectId = subject) => ({ tenant_id: tenantId, subject_id: subjectId });

async function asPipeline<T>(call: (context: { requestId: string; token: string }) => Promise<T>): Promise<T> {
  return call({ requestId: randomUUID(), token: await tokenFor(RIGHTS_PIPELINE) });
}

async function seedPerson(tenantId: string, subjectId: string, person: ReturnType<typeof makeCanaries>, notes: string[] = [], invoices = 0): Promise<void> {
  const owner = { tenant: tenantId, subject: subjectId, recordId: subjectId };
  const sealed = await codecs.people.seal(owner, { email: person.email, display_name: person.name });
  await withTenant(runtime, tenantId, async (m) => {
    await m.query('INSERT INTO probe_people (id, tenant_id, email, email_index, display_name, secret_hash) VALUES ($1, $2, $3, $4, $5, $6)', [
      subjectId,
      tenantId,
      sealed.email,
      sealed.email_index,
      sealed.display_name,
      `argon2id$${person.phone}`,
    ]);
    for (const note of notes) {
      const id = randomUUID();
      const body = await codecs.notes.seal({ ...owner, recordId: id }, { body: note });
      await m.query('INSERT INTO probe_notes (id, tenant_id, person_id, body) VALUES ($1, $2, $3, $4)', [id, tenantId, subjectId, body.body]);
    }
    for (let i = 0; i < invoices; i++) {
      const id = randomUUID();
      const name = await codecs.invoices.seal({ ...owner, recordId: id }, { customer_name: person.name });
      await m.query('INSERT INTO probe_invoices (id, tenant_id, customer_id, customer_name, name_index, amount_cents) VALUES ($1, $2, $3, $4, $5, 12000)', [
        id,
        tenantId,
        subjectId,
        name.customer_name,
        name.name_index,
      ]);
    }
  });
}

/** What the database holds of a subject in a tenant, counted as the runtime role in that tenant. */
async function holdings(tenantId: string, subjectId = subject): Promise<Record<string, number>> {
  return withTenant(runtime, tenantId, async (m) => {
    const count = async (sql: string) => ((await m.query(sql, [tenantId, subjectId])) as Array<{ n: number }>)[0]!.n;
    return {
      people: await count('SELECT count(*)::int AS n FROM probe_people WHERE tenant_id = $1 AND id = $2'),
      notes: await count('SELECT count(*)::int AS n FROM probe_notes WHERE tenant_id = $1 AND person_id = $2'),
      invoices: await count('SELECT count(*)::int AS n FROM probe_invoices WHERE tenant_id = $1 AND customer_id = $2'),
      indexedInvoices: await count('SELECT count(*)::int AS n FROM probe_invoices WHERE tenant_id = $1 AND customer_id = $2 AND name_index IS NOT NULL'),
      keys: await count('SELECT count(*)::int AS n FROM gardien_keys.subject_keys WHERE tenant_id = $1 AND subject_id = $2'),
      restrictions: await count('SELECT count(*)::int AS n FROM gardien_subject_restrictions WHERE tenant_id = $1 AND subject_id = $2'),
    };
  });
}

async function audits(action: string): Promise<AuditEntry[]> {
  const rows: Array<{ payload: unknown }> = await runtime.query('SELECT payload FROM gardien_outbox WHERE subject = $1 ORDER BY created_at', [`gardien.audit.${SERVICE}.${action}`]);
  return rows.map((row) => AuditEntry.parse(row.payload));
}

const tableOf = (exported: SubjectExport, table: string) => exported.tables.find((entry) => entry.table === table);

beforeAll(async () => {
  ({ runtime } = await openServiceDatabase({ service: SERVICE, prefix, adminUrl: ADMIN_URL, migrations: [...PLATFORM_MIGRATIONS, CreateProbeTables1732590000000] }));
  await generateMasterKeyFile(join(dir, 'master.key'));
  kms = await LocalKms.open({ service: SERVICE, dataDir: dir, masterKeyFile: join(dir, 'master.key'), generateMasterKeyIfMissing: false });
  const sql = tenantScopedSql(runtime);
  keyStore = new FlakyKeyStore(sql);
  const seedingRing = new SubjectKeyRing({ service: SERVICE, kms, store: new PostgresSubjectKeyStore(sql) });
  const blindIndex = new BlindIndex({ service: SERVICE, kms, store: new PostgresTenantKeyStore(sql) });
  codecs = { people: new PersonalDataCodec(PEOPLE, seedingRing, blindIndex), notes: new PersonalDataCodec(NOTES, seedingRing, blindIndex), invoices: new PersonalDataCodec(INVOICES, seedingRing, blindIndex) };
  await seedPerson(tenantA, subject, canaries.subject, [`${canaries.subject.name} a fièvre`, `${canaries.subject.phone} rappeler`], 1);
  // The same subject id in another tenant, and another subject in the same tenant.
  await seedPerson(tenantB, subject, canaries.twin, ['tenant B'], 1);
  await seedPerson(tenantA, bystander, canaries.bystander, ['another subject'], 1);
  nats = await PrivateNats.start();
  connection = await connect({ servers: nats.url });
  bus = new BusClient(connection, 10_000);
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  signingKey = privateKey;
  const { x } = await exportJWK(publicKey);
  keySet = { keys: [{ kty: 'OKP', crv: 'Ed25519', x: x!, kid: 'k1', alg: 'EdDSA', use: 'sig' }] };
  await startService(SERVICE);
});

afterAll(async () => {
  for (const app of apps) await app.close();
  await connection?.close();
  await nats?.dispose();
  await runtime?.destroy();
  await dropTestDatabases(prefix);
  rmSync(dir, { recursive: true, force: true });
});

const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => 'answered',
    (error: GardienError) => error.code,
  );

test('the export opens sealed columns, per table with its categories and purposes; blind indexes and withheld columns stay out', async () => {
  const exported = await asPipeline((context) => bus.call(operations.subjectExport, ref(tenantA), context));
  expect(exported.tables.map((entry) => entry.table).sort()).toEqual(['gardien_keys.subject_keys', 'probe_invoices', 'probe_notes', 'probe_people']);
  expect(tableOf(exported, 'probe_people')).toEqual({
    table: 'probe_people',
    data_categories: ['identification'],
    purposes: ['probe-care'],
    rows: [{ id: subject, tenant_id: tenantA, email: canaries.subject.email, display_name: canaries.subject.name, created_at: expect.any(String) }],
    withheld_columns: ['secret_hash'],
    truncated: false,
    shredded: false,
  });
  expect(tableOf(exported, 'probe_notes')!.rows.map((row) => row.body).sort()).toEqual([`${canaries.subject.name} a fièvre`, `${canaries.subject.phone} rappeler`].sort());
  expect(tableOf(exported, 'probe_notes')!.data_categories).toEqual(['health']);
  expect(tableOf(exported, 'probe_invoices')!.rows).toEqual([{ id: expect.any(String), tenant_id: tenantA, customer_id: subject, customer_name: canaries.subject.name, amount_cents: 12000 }]);
  expect(tableOf(exported, 'gardien_keys.subject_keys')!.rows).toEqual([{ tenant_id: tenantA, subject_id: subject, created_at: expect.any(String), rewrapped_at: null }]);
  // Nothing of the other tenant's subject of the same id, nor of the other subject.
  expect(JSON.stringify(exported)).not.toContain(canaries.twin.email);
  expect(JSON.stringify(exported)).not.toContain(canaries.bystander.email);
  const [entry] = await audits('subject.exported');
  expect(entry).toMatchObject({ tenantId: tenantA, actor: { type: 'service', id: 'rights-pipeline' }, target: { type: 'subject', id: subject } });
  expect(entry!.details).toEqual({ probePeople: 1, probeNotes: 2, probeInvoices: 1, gardienKeysSubjectKeys: 1 });
});

test('no caller but the rights pipeline’s own token may export, erase or restrict; refused calls change nothing', async () => {
  const before = await holdings(tenantA);
  const callers: Record<string, Principal> = {
    'a DPO of the tenant, with MFA': { kind: 'user', id: randomUUID(), tenantId: tenantA, roles: ['dpo'], mfa: true },
    'a tenant admin': { kind: 'user', id: randomUUID(), tenantId: tenantA, roles: ['tenant_admin'], mfa: true },
    'the super-admin': { kind: 'user', id: randomUUID(), tenantId: null, roles: ['superadmin'], mfa: true },
    'the tenant service': service('tenant'),
    'the gateway': service('llm-gateway'),
    'the pipeline bound to a tenant': { kind: 'service', id: 'rights-pipeline', tenantId: tenantA, roles: ['service'], mfa: false },
  };
  const outcomes: Record<string, string[]> = {};
  for (const [name, principal] of Object.entries(callers)) {
    const context = { requestId: randomUUID(), token: await tokenFor(principal) };
    outcomes[name] = [
      await outcome(bus.call(operations.subjectExport, ref(tenantA), context)),
      await outcome(bus.call(operations.subjectErase, ref(tenantA), context)),
      await outcome(bus.call(operations.subjectRestrict, { ...ref(tenantA), restricted: true }, context)),
    ];
  }
  expect(outcomes).toEqual(Object.fromEntries(Object.keys(callers).map((name) => [name, [ErrorCode.Forbidden, ErrorCode.Forbidden, ErrorCode.Forbidden]])));
  // Without a token, or with the pipeline's token for another service, it is not even a caller.
  expect(await outcome(bus.call(operations.subjectErase, ref(tenantA), { requestId: randomUUID() }))).toBe(ErrorCode.Unauthenticated);
  expect(await outcome(bus.call(operations.subjectErase, ref(tenantA), { requestId: randomUUID(), token: await tokenFor(RIGHTS_PIPELINE, 'auth') }))).toBe(ErrorCode.Unauthenticated);
  // The platform tenant's subject (the super-admin) is not the pipeline's to erase.
  expect(await asPipeline((context) => outcome(bus.call(operations.subjectErase, ref(PLATFORM_TENANT_ID), context)))).toBe(ErrorCode.ValidationFailed);
  expect(await holdings(tenantA)).toEqual(before);
  expect(await audits('subject.erased')).toEqual([]);
});

test('a restriction is recorded once, consulted by the service, lifted, and audited each time it changes', async () => {
  const restrictions = new SubjectRestrictions(runtime);
  const restrict = (restricted: boolean, subjectId = bystander) =>
    asPipeline((context) => bus.call(operations.subjectRestrict, { ...ref(tenantA, subjectId), restricted, rights_request_id: requestOfRights }, context));
  const requestOfRights = randomUUID();
  expect(await restrict(true)).toEqual({ service: SERVICE, tenant_id: tenantA, subject_id: bystander, restricted: true, changed: true });
  expect(await restrict(true)).toMatchObject({ restricted: true, changed: false });
  expect(await restrictions.isRestricted({ tenantId: tenantA, subjectId: bystander })).toBe(true);
  // In that tenant only.
  expect(await restrictions.isRestricted({ tenantId: tenantB, subjectId: bystander })).toBe(false);
  expect(await restrict(false)).toMatchObject({ restricted: false, changed: true });
  expect(await restrict(false)).toMatchObject({ restricted: false, changed: false });
  expect(await restrictions.isRestricted({ tenantId: tenantA, subjectId: bystander })).toBe(false);
  expect((await audits('subject.restricted')).map(({ target, details }) => ({ target, details }))).toEqual([{ target: { type: 'subject', id: bystander }, details: { rightsRequestId: requestOfRights } }]);
  expect(await audits('subject.restriction-lifted')).toHaveLength(1);
  // Restricted until its erasure: the erasure takes the restriction with it.
  expect(await restrict(true, subject)).toMatchObject({ changed: true });
});

test('erasure deletes the rows and destroys the key; kept rows keep only ciphertext, without their blind index; audited with counts only', async () => {
  const twinBefore = await holdings(tenantB);
  const bystanderBefore = await holdings(tenantA, bystander);
  const erased = await asPipeline((context) => bus.call(operations.subjectErase, ref(tenantA), context));
  expect(erased).toEqual({
    service: SERVICE,
    tenant_id: tenantA,
    subject_id: subject,
    changed: true,
    tables: [
      { table: 'probe_notes', deleted: 2, kept: 0 },
      { table: 'probe_people', deleted: 1, kept: 0 },
      { table: 'probe_invoices', deleted: 0, kept: 1 },
      { table: 'gardien_subject_restrictions', deleted: 1, kept: 0 },
    ],
    keys_destroyed: 1,
  });
  expect(await holdings(tenantA)).toEqual({ people: 0, notes: 0, invoices: 1, indexedInvoices: 0, keys: 0, restrictions: 0 });

  // The kept invoice no longer opens, here or in a replica with a cold cache, and is exported without its name.
  const [invoice] = (await withTenant(runtime, tenantA, (m) => m.query('SELECT id, customer_name FROM probe_invoices WHERE customer_id = $1', [subject]))) as Array<{ id: string; customer_name: string }>;
  expect(invoice!.customer_name).toMatch(/^g1\./);
  const coldRing = new SubjectKeyRing({ service: SERVICE, kms, store: new PostgresSubjectKeyStore(tenantScopedSql(runtime)) });
  const coldCodec = new PersonalDataCodec(INVOICES, coldRing, new BlindIndex({ service: SERVICE, kms, store: new PostgresTenantKeyStore(tenantScopedSql(runtime)) }));
  await expect(coldCodec.open({ tenant: tenantA, subject, recordId: invoice!.id }, invoice!)).rejects.toMatchObject({ code: CryptoErrorCode.SubjectErased });
  const after = await asPipeline((context) => bus.call(operations.subjectExport, ref(tenantA), context));
  expect(after.tables.map((entry) => entry.table)).toEqual(['probe_invoices']);
  expect(tableOf(after, 'probe_invoices')).toMatchObject({ shredded: true, rows: [{ customer_id: subject, customer_name: null, amount_cents: 12000 }] });

  // The same subject id in tenant B, and the other subject of tenant A: untouched, still readable.
  expect(await holdings(tenantB)).toEqual(twinBefore);
  expect(await holdings(tenantA, bystander)).toEqual(bystanderBefore);
  const twin = await asPipeline((context) => bus.call(operations.subjectExport, ref(tenantB), context));
  expect(tableOf(twin, 'probe_people')!.rows[0]!.email).toBe(canaries.twin.email);

  const [entry, ...more] = await audits('subject.erased');
  expect(more).toEqual([]);
  expect(entry).toMatchObject({ tenantId: tenantA, actor: { type: 'service', id: 'rights-pipeline' }, target: { type: 'subject', id: subject } });
  expect(entry!.details).toEqual({ probeNotes: 2, probePeople: 1, probeInvoices: 0, probeInvoicesKept: 1, gardienSubjectRestrictions: 1, keys: 1 });
});

test('a second erasure changes nothing, says so, and records nothing', async () => {
  const again = await asPipeline((context) => bus.call(operations.subjectErase, ref(tenantA), context));
  expect(again).toMatchObject({ changed: false, keys_destroyed: 0 });
  expect(again.tables.every(({ deleted }) => deleted === 0)).toBe(true);
  expect(await audits('subject.erased')).toHaveLength(1);
});

test('a key left behind by a failure after the rows were erased is found in the key table and destroyed by the next erasure', async () => {
  const late = randomUUID();
  await seedPerson(tenantA, late, makeCanaries(), ['late']);
  keyStore.failNextDelete = true;
  expect(await asPipeline((context) => outcome(bus.call(operations.subjectErase, ref(tenantA, late), context)))).toBe(ErrorCode.Internal);
  // The rows and their audit entry committed; the key did not go.
  expect(await holdings(tenantA, late)).toMatchObject({ people: 0, notes: 0, keys: 1 });
  const retried = await asPipeline((context) => bus.call(operations.subjectErase, ref(tenantA, late), context));
  expect(retried).toMatchObject({ changed: true, keys_destroyed: 1 });
  expect(await holdings(tenantA, late)).toMatchObject({ keys: 0 });
  expect((await audits('subject.erased')).filter((entry) => entry.target?.id === late).map(({ details }) => details.keys)).toEqual([1, 1]);
});

test('a service may answer the subject operations its own way instead of the inventory’s', async () => {
  @Injectable()
  class OwnSubjectData implements SubjectDataOperations {
    async export(scope: { tenantId: string; subjectId: string }) {
      return { service: 'audit', tenant_id: scope.tenantId, subject_id: scope.subjectId, tables: [] };
    }
    async erase(scope: { tenantId: string; subjectId: string }) {
      return { service: 'audit', tenant_id: scope.tenantId, subject_id: scope.subjectId, changed: false, tables: [], keys_destroyed: 0 };
    }
    async restrict(scope: { tenantId: string; subjectId: string }, restricted: boolean) {
      return { service: 'audit', tenant_id: scope.tenantId, subject_id: scope.subjectId, restricted, changed: false };
    }
  }
  await startService('audit', { subjectData: OwnSubjectData });
  const context = { requestId: randomUUID(), token: await tokenFor(RIGHTS_PIPELINE, 'audit') };
  expect(await bus.call(serviceOperations('audit').subjectExport, ref(tenantB), context)).toEqual({ service: 'audit', tenant_id: tenantB, subject_id: subject, tables: [] });
  // The grant is still the platform's to check.
  const dpo = { requestId: randomUUID(), token: await tokenFor({ kind: 'user', id: randomUUID(), tenantId: tenantB, roles: ['dpo'], mfa: true }, 'audit') };
  expect(await outcome(bus.call(serviceOperations('audit').subjectExport, ref(tenantB), dpo))).toBe(ErrorCode.Forbidden);
});

test('no audit entry and no log line holds anything personal', async () => {
  // Positive control: the export did carry the canaries, so they were there to leak.
  const outbox: Array<{ payload: unknown }> = await runtime.query('SELECT payload FROM gardien_outbox');
  expect(outbox.length).toBeGreaterThan(5);
  for (const planted of Object.values(canaries)) {
    expect(findLeaks(JSON.stringify(outbox), planted)).toEqual([]);
    expect(findLeaks(logLines.join('\n'), planted)).toEqual([]);
  }
  expect(logLines.length).toBeGreaterThan(0);
});
