// Personal data at rest, against the machine's Postgres: sealed columns and blind indexes as the
// runtime role under row-level security; a pg_dump shows no clear value; erasing a subject makes
// its rows raise SUBJECT_ERASED while the other subjects still read; values moved between rows,
// subjects or tenants do not decrypt.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource, QueryRunner } from 'typeorm';
import {
  BlindIndex,
  CreateGardienKeys1732579300000,
  CryptoErrorCode,
  LocalKms,
  PostgresSubjectKeyStore,
  PostgresTenantKeyStore,
  SubjectKeyRing,
  generateMasterKeyFile,
} from '@gardien/crypto';
import { ADMIN_URL, dropTestDatabases, dumpLeaks, makeCanaries, testDatabasePrefix } from '@gardien/testing';
import { openServiceDatabase } from '../open-service-database.js';
import { createServiceDataSource } from '../data-source.js';
import { enableTenantIsolation } from '../row-level-security.js';
import { serviceDatabase } from '../service-database.js';
import { withTenant } from '../tenant-context.js';
import { personalDataStore } from '../inventory/data-inventory.js';
import { PersonalDataCodec } from './personal-data.js';
import { tenantScopedSql } from './tenant-scoped-sql.js';

const prefix = testDatabasePrefix();
const db = serviceDatabase('people-probe', prefix);
const dir = mkdtempSync(join(tmpdir(), 'gardien-personal-data-'));
const tenantA = randomUUID();
const tenantB = randomUUID();
const alice = makeCanaries();
const bruno = makeCanaries();
const chloe = makeCanaries();

const People = personalDataStore({
  table: 'people',
  description: 'people',
  subject: { type: 'column', column: 'subject_id' },
  tenantColumn: 'tenant_id',
  recordId: 'id',
  sealed: ['email', 'display_name', 'phone'],
  blindIndexes: { email_index: { source: 'email', normalise: 'email' } },
  dataCategories: ['identification'],
  subjectCategories: ['document-subjects'],
  purposes: ['probe'],
  retention: { until: 'the test ends', justification: 'a test' },
  recipients: [],
  erasure: { action: 'delete' },
});

class CreatePeople1732579400000 {
  name = 'CreatePeople1732579400000';
  async up(runner: QueryRunner) {
    await runner.query(`CREATE TABLE people (
      id uuid PRIMARY KEY, tenant_id uuid NOT NULL, subject_id text NOT NULL,
      email text, email_index text, display_name text, phone text)`);
    await runner.query('CREATE INDEX people_email_index ON people (tenant_id, email_index)');
    await enableTenantIsolation(runner, 'people');
  }
  async down(runner: QueryRunner) {
    await runner.query('DROP TABLE people');
  }
}

let runtime: DataSource;
let codec: PersonalDataCodec<'email' | 'display_name' | 'phone'>;
let ring: SubjectKeyRing;
const ids = new Map<string, { tenant: string; subject: string; recordId: string }>();

async function insertPerson(tenant: string, subject: string, person: ReturnType<typeof makeCanaries>) {
  const owner = { tenant, subject, recordId: randomUUID() };
  const sealed = await codec.seal(owner, { email: person.email, display_name: person.name, phone: person.phone });
  await withTenant(runtime, tenant, (m) =>
    m.query('INSERT INTO people (id, tenant_id, subject_id, email, email_index, display_name, phone) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      owner.recordId,
      tenant,
      subject,
      sealed.email,
      sealed.email_index,
      sealed.display_name,
      sealed.phone,
    ]),
  );
  ids.set(subject, owner);
}

async function findByEmail(tenant: string, email: string) {
  const index = await codec.lookupKey(tenant, 'email_index', email);
  const rows: Array<{ id: string; subject_id: string; email: string; display_name: string; phone: string }> = await withTenant(runtime, tenant, (m) =>
    m.query('SELECT id, subject_id, email, display_name, phone FROM people WHERE tenant_id = $1 AND email_index = $2', [tenant, index]),
  );
  return Promise.all(rows.map((row) => codec.open({ tenant, subject: row.subject_id, recordId: row.id }, row)));
}

beforeAll(async () => {
  ({ runtime } = await openServiceDatabase({ service: 'people-probe', prefix, adminUrl: ADMIN_URL, migrations: [CreateGardienKeys1732579300000, CreatePeople1732579400000] }));
  const masterKeyFile = join(dir, 'master.key');
  await generateMasterKeyFile(masterKeyFile);
  const kms = await LocalKms.open({ service: 'people-probe', dataDir: dir, masterKeyFile, generateMasterKeyIfMissing: false });
  const sql = tenantScopedSql(runtime);
  ring = new SubjectKeyRing({ service: 'people-probe', kms, store: new PostgresSubjectKeyStore(sql) });
  codec = new PersonalDataCodec(People, ring, new BlindIndex({ service: 'people-probe', kms, store: new PostgresTenantKeyStore(sql) }));
  await insertPerson(tenantA, 'subject-alice', alice);
  await insertPerson(tenantA, 'subject-bruno', bruno);
  await insertPerson(tenantB, 'subject-chloe', chloe);
});

afterAll(async () => {
  await runtime?.destroy();
  await dropTestDatabases(prefix);
  rmSync(dir, { recursive: true, force: true });
});

test('rows are found by email through the blind index and read back in clear', async () => {
  expect(await findByEmail(tenantA, `  ${alice.email.toUpperCase()} `)).toEqual([{ email: alice.email, display_name: alice.name, phone: alice.phone }]);
  // The same email in another tenant's index finds nothing: indexes are keyed per tenant.
  expect(await findByEmail(tenantB, alice.email)).toEqual([]);
});

test('a pg_dump of the database contains no clear personal data', async () => {
  const { dumped, leaks } = await dumpLeaks(prefix, alice);
  expect(dumped).toEqual([db.database]);
  expect(leaks).toEqual([]);
  expect((await dumpLeaks(prefix, chloe)).leaks).toEqual([]);

  // Positive control: a value stored in clear is found by the same check.
  const planted = makeCanaries();
  // As the administrator: the owner may log in only while provisioning runs.
  const owner = createServiceDataSource({ url: ADMIN_URL.replace(/\/[^/]*$/, `/${db.database}`), applicationName: 'dump-control', poolSize: 1 });
  await owner.initialize();
  try {
    await owner.query('CREATE TABLE dump_control (note text)');
    await owner.query('INSERT INTO dump_control VALUES ($1)', [planted.email]);
    expect((await dumpLeaks(prefix, planted)).leaks).toEqual([{ database: db.database, canaries: ['email'] }]);
    await owner.query('DROP TABLE dump_control');
  } finally {
    await owner.destroy();
  }
});

test('a value moved to another row, subject or tenant does not decrypt', async () => {
  const rows: Array<{ id: string; subject_id: string; email: string }> = await withTenant(runtime, tenantA, (m) =>
    m.query('SELECT id, subject_id, email FROM people ORDER BY subject_id'),
  );
  const [aliceRow, brunoRow] = rows;
  await expect(codec.open({ tenant: tenantA, subject: 'subject-bruno', recordId: brunoRow!.id }, { email: aliceRow!.email })).rejects.toMatchObject({
    code: CryptoErrorCode.DecryptionFailed,
  });
  await expect(codec.open({ tenant: tenantB, subject: 'subject-alice', recordId: aliceRow!.id }, { email: aliceRow!.email })).rejects.toMatchObject({
    code: CryptoErrorCode.DecryptionFailed,
  });
  await expect(codec.open({ tenant: tenantA, subject: 'subject-alice', recordId: aliceRow!.id }, { display_name: aliceRow!.email })).rejects.toMatchObject({
    code: CryptoErrorCode.DecryptionFailed,
  });
});

test('after forgetSubject, that subject raises SUBJECT_ERASED while the others still read', async () => {
  await ring.forgetSubject(tenantA, 'subject-alice');
  await expect(findByEmail(tenantA, alice.email)).rejects.toMatchObject({ code: CryptoErrorCode.SubjectErased });
  expect(await findByEmail(tenantA, bruno.email)).toEqual([{ email: bruno.email, display_name: bruno.name, phone: bruno.phone }]);
  expect(await findByEmail(tenantB, chloe.email)).toEqual([{ email: chloe.email, display_name: chloe.name, phone: chloe.phone }]);
});
