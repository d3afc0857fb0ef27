// Provisioning of service databases against a private PostgreSQL cluster that authenticates with
// SCRAM (a password means something there): each role logs in with its own random password only,
// a service's credentials open no other service's database and no other role, the owner may log
// in only while provisioning runs, and a service's boot checks refuse a privileged role and
// migrations that are missing or unknown.
import pg from 'pg';
import type { QueryRunner } from 'typeorm';
import { PrivatePostgres } from '@gardien/testing';
import { createServiceDataSource, runMigrationsAsOwner } from './data-source.js';
import { ServiceDatabaseProvisioning, newRolePassword } from './provisioning.js';
import { serviceDatabase, type ServiceDatabase } from './service-database.js';
import { checkMigrations } from './service-migrations.js';
import { checkServiceRole } from './service-role-check.js';
import { allowRetentionPurge } from './retention/retention-grants.js';

class CreateNotes1732579500000 {
  name = 'CreateNotes1732579500000';
  async up(runner: QueryRunner) {
    await runner.query('CREATE TABLE notes (id serial PRIMARY KEY, label text NOT NULL)');
    await allowRetentionPurge(runner, 'notes');
  }
  async down(runner: QueryRunner) {
    await runner.query('DROP TABLE notes');
  }
}

class CreateOthers1732579600000 {
  name = 'CreateOthers1732579600000';
  async up(runner: QueryRunner) {
    await runner.query('CREATE TABLE others (id serial PRIMARY KEY)');
  }
  async down(runner: QueryRunner) {
    await runner.query('DROP TABLE others');
  }
}

interface Provisioned {
  db: ServiceDatabase;
  runtime: string;
  maintenance: string;
  ownerUrlOfTheRun: string;
}

let cluster: PrivatePostgres;
let x: Provisioned;
let y: Provisioned;

async function provision(service: string, logins = { runtime: newRolePassword(), maintenance: newRolePassword() }): Promise<Provisioned> {
  const db = serviceDatabase(service, 'test_provision');
  const provisioning = await ServiceDatabaseProvisioning.begin(db, cluster.adminUrl);
  try {
    const { ownerUrl } = await provisioning.prepare();
    await runMigrationsAsOwner({ url: ownerUrl, migrations: [CreateNotes1732579500000], applicationName: 'provisioning-test' });
    await provisioning.grantLogins(logins);
    return { db, ...logins, ownerUrlOfTheRun: ownerUrl };
  } finally {
    await provisioning.finish();
  }
}

function clientAs(role: string, password: string, database: string): pg.Client {
  return new pg.Client({ host: '127.0.0.1', port: cluster.port, user: role, password, database });
}

/** A role without a login and a password: refused whatever password is tried (28P01 before 28000 over SCRAM). */
const REFUSED = ['28P01', '28000'];

async function canLogIn(role: string): Promise<boolean> {
  const admin = new pg.Client({ connectionString: cluster.adminUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ rolcanlogin: boolean }>('SELECT rolcanlogin FROM pg_roles WHERE rolname = $1', [role]);
    return rows[0]!.rolcanlogin;
  } finally {
    await admin.end();
  }
}

/** The SQLSTATE with which a login is refused, or 'connected'. */
async function login(role: string, password: string, database: string): Promise<string> {
  const client = clientAs(role, password, database);
  try {
    await client.connect();
    await client.end();
    return 'connected';
  } catch (error) {
    return String((error as { code?: string }).code);
  }
}

function dataSourceAs(role: string, password: string, database: string) {
  return createServiceDataSource({ url: `postgres://${role}:${password}@127.0.0.1:${cluster.port}/${database}`, applicationName: 'provisioning-test', poolSize: 1 });
}

beforeAll(async () => {
  cluster = await PrivatePostgres.start();
  x = await provision('service-x');
  y = await provision('service-y');
}, 60_000);

afterAll(async () => {
  await cluster?.dispose();
});

test('each role logs in with its own password only', async () => {
  expect(await login(x.db.runtimeRole, x.runtime, x.db.database)).toBe('connected');
  expect(await login(x.db.maintenanceRole, x.maintenance, x.db.database)).toBe('connected');
  expect(await login(x.db.runtimeRole, x.maintenance, x.db.database)).toBe('28P01');
  expect(await login(x.db.maintenanceRole, x.runtime, x.db.database)).toBe('28P01');
  expect(x.runtime).not.toBe(y.runtime);
});

test("a service's credentials open no other service's database, and log in as none of its roles", async () => {
  for (const password of [x.runtime, x.maintenance]) {
    for (const role of [y.db.ownerRole, y.db.runtimeRole, y.db.maintenanceRole]) expect([role, await login(role, password, y.db.database)]).toEqual([role, '28P01']);
  }
  // Its own roles have no right to connect to the other database (REVOKE CONNECT FROM PUBLIC).
  expect(await login(x.db.runtimeRole, x.runtime, y.db.database)).toBe('42501');
  expect(await login(x.db.maintenanceRole, x.maintenance, y.db.database)).toBe('42501');
});

test('the owner may log in while provisioning runs, and not afterwards, not even with the password of the run', async () => {
  const owner = new URL(x.ownerUrlOfTheRun);
  expect(REFUSED).toContain(await login(x.db.ownerRole, decodeURIComponent(owner.password), x.db.database));
  expect(await canLogIn(x.db.ownerRole)).toBe(false);
  const provisioning = await ServiceDatabaseProvisioning.begin(x.db, cluster.adminUrl);
  try {
    const { ownerUrl } = await provisioning.prepare();
    expect(await login(x.db.ownerRole, decodeURIComponent(new URL(ownerUrl).password), x.db.database)).toBe('connected');
    expect(ownerUrl).not.toBe(x.ownerUrlOfTheRun);
  } finally {
    await provisioning.finish();
  }
  expect(REFUSED).toContain(await login(x.db.ownerRole, decodeURIComponent(new URL(x.ownerUrlOfTheRun).password), x.db.database));
  expect(await canLogIn(x.db.ownerRole)).toBe(false);
});

test('provisioning again with the same passwords keeps every login working; without a maintenance password, that role loses its login', async () => {
  await provision('service-x', { runtime: x.runtime, maintenance: x.maintenance });
  expect(await login(x.db.runtimeRole, x.runtime, x.db.database)).toBe('connected');
  expect(await login(x.db.maintenanceRole, x.maintenance, x.db.database)).toBe('connected');
  const provisioning = await ServiceDatabaseProvisioning.begin(y.db, cluster.adminUrl);
  try {
    await provisioning.prepare();
    await provisioning.grantLogins({ runtime: y.runtime });
  } finally {
    await provisioning.finish();
  }
  expect(REFUSED).toContain(await login(y.db.maintenanceRole, y.maintenance, y.db.database));
  expect(await canLogIn(y.db.maintenanceRole)).toBe(false);
  await provision('service-y', { runtime: y.runtime, maintenance: y.maintenance });
});

test('two provisioning steps on one database do not overlap', async () => {
  const first = await ServiceDatabaseProvisioning.begin(x.db, cluster.adminUrl);
  let secondBegan = false;
  const second = ServiceDatabaseProvisioning.begin(x.db, cluster.adminUrl).then((started) => {
    secondBegan = true;
    return started;
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(secondBegan).toBe(false);
  await first.finish();
  await (await second).finish();
  expect(secondBegan).toBe(true);
});

test("the runtime role passes a service's boot check; the administrator, the maintenance role as runtime, or an owner's member do not", async () => {
  // Another replica's session holding a temporary table (the runtime role may create them) changes nothing.
  const otherReplica = clientAs(x.db.runtimeRole, x.runtime, x.db.database);
  await otherReplica.connect();
  await otherReplica.query('CREATE TEMPORARY TABLE scratch (n int)');
  const runtime = dataSourceAs(x.db.runtimeRole, x.runtime, x.db.database);
  await runtime.initialize();
  try {
    await expect(checkServiceRole(runtime, 'runtime')).resolves.toBeUndefined();
  } finally {
    await runtime.destroy();
    await otherReplica.end();
  }
  const admin = createServiceDataSource({ url: cluster.adminUrl.replace(/\/postgres$/, `/${x.db.database}`), applicationName: 'provisioning-test', poolSize: 1 });
  await admin.initialize();
  try {
    await expect(checkServiceRole(admin, 'runtime')).rejects.toMatchObject({ name: 'ProvisioningError', code: 'PRIVILEGED_ROLE', message: expect.stringContaining('is a superuser') });
    await expect(checkServiceRole(admin, 'maintenance')).rejects.toMatchObject({ code: 'PRIVILEGED_ROLE' });
    await admin.query(`GRANT ${x.db.ownerRole} TO ${x.db.runtimeRole}`);
    const member = dataSourceAs(x.db.runtimeRole, x.runtime, x.db.database);
    await member.initialize();
    try {
      await expect(checkServiceRole(member, 'runtime')).rejects.toMatchObject({ message: expect.stringContaining('owns the database') });
    } finally {
      await member.destroy();
      await admin.query(`REVOKE ${x.db.ownerRole} FROM ${x.db.runtimeRole}`);
    }
  } finally {
    await admin.destroy();
  }
  const maintenance = dataSourceAs(x.db.maintenanceRole, x.maintenance, x.db.database);
  await maintenance.initialize();
  try {
    await expect(checkServiceRole(maintenance, 'maintenance')).resolves.toBeUndefined();
    await expect(checkServiceRole(maintenance, 'runtime')).rejects.toMatchObject({ message: expect.stringContaining('bypasses row-level security') });
  } finally {
    await maintenance.destroy();
  }
});

test('the runtime role sees which migrations are applied, and may not mark one; missing or unknown ones stop the service', async () => {
  const runtime = dataSourceAs(x.db.runtimeRole, x.runtime, x.db.database);
  await runtime.initialize();
  try {
    await expect(checkMigrations(runtime, [CreateNotes1732579500000])).resolves.toBeUndefined();
    await expect(checkMigrations(runtime, [CreateNotes1732579500000, CreateOthers1732579600000])).rejects.toMatchObject({
      code: 'MIGRATIONS_PENDING',
      message: expect.stringContaining('CreateOthers1732579600000'),
    });
    await expect(checkMigrations(runtime, [])).rejects.toMatchObject({ code: 'MIGRATIONS_UNKNOWN', message: expect.stringContaining('CreateNotes1732579500000') });
    await expect(runtime.query("INSERT INTO gardien_migrations (timestamp, name) VALUES (1732579600000, 'CreateOthers1732579600000')")).rejects.toMatchObject({ code: '42501' });
  } finally {
    await runtime.destroy();
  }
});

test('migrations run as the owner only: the administrator is refused', async () => {
  await expect(
    runMigrationsAsOwner({ url: cluster.adminUrl.replace(/\/postgres$/, `/${x.db.database}`), migrations: [CreateNotes1732579500000], applicationName: 'provisioning-test' }),
  ).rejects.toMatchObject({ name: 'ProvisioningError', code: 'NOT_DATABASE_OWNER' });
});
