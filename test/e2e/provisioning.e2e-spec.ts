// What each service holds, and what it checks at boot (findings 3 and 4 of the security review).
// The platform runs on a PostgreSQL cluster that authenticates with SCRAM, so that a password
// means something. Each service process is read from the outside (/proc/<pid>/environ, and the
// files its *_FILE variables name): with everything it holds, it must reach its own database as
// its own roles and nothing else. And a service started against a stream or a durable consumer
// configured otherwise than declared (a subject more, a republish, a source, a push consumer)
// refuses to start, naming the stream or consumer and the property. And `gardien provision`
// itself: credential files private to their owner, no secret in its output, a second run that
// changes nothing, and a stream configured otherwise reported, then put back only when asked.
import { createHmac } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jetstreamManager, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import { createConsumer } from '@gardien/bootstrap';
import { AUTH_OPERATIONS, BUS_SERVICES, DURABLE_CONSUMERS, type BusService } from '@gardien/contracts';
import { PlatformProcesses, PrivateNats, PrivatePostgres, testDatabasePrefix, type ProvisionRun } from '@gardien/testing';

const prefix = testDatabasePrefix();
let cluster: PrivatePostgres;
let nats: PrivateNats;
let platform: PlatformProcesses;
let operator: NatsConnection;
let jsm: JetStreamManager;

beforeAll(async () => {
  cluster = await PrivatePostgres.start();
  nats = await PrivateNats.start();
  platform = await PlatformProcesses.start({ databasePrefix: prefix, natsUrl: nats.url, adminUrl: cluster.adminUrl });
  // The private nats-server has no users: this connection stands for an operator with every right.
  operator = await connect({ servers: nats.url });
  jsm = await jetstreamManager(operator);
}, 120_000);

afterAll(async () => {
  await operator?.close();
  await platform?.dispose();
  await nats?.dispose();
  await cluster?.dispose();
});

/** The environment of a running process, as the kernel holds it. */
function environmentOf(name: string): Record<string, string> {
  const raw = readFileSync(`/proc/${platform.pid(name)}/environ`, 'utf8');
  return Object.fromEntries(
    raw
      .split('\0')
      .filter(Boolean)
      .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
  );
}

/** Every value a process holds: its variables, and the content of every file a *_FILE variable names. */
function holdingsOf(name: string): string[] {
  const env = environmentOf(name);
  const values = Object.entries(env).filter(([key]) => key.startsWith('GARDIEN_') || key.startsWith('PG'));
  const files = values.filter(([key]) => key.endsWith('_FILE')).map(([, file]) => readFileSync(file, 'utf8').trim());
  return [...values.map(([, value]) => value), ...files];
}

function postgresUrlsIn(holdings: string[]): URL[] {
  return holdings.filter((value) => /^postgres(ql)?:\/\//.test(value)).map((value) => new URL(value));
}

const databaseOf = (service: BusService) => `${prefix}_${service.replaceAll('-', '_')}`;
const rolesOf = (service: BusService) => ['owner', 'app', 'maint'].map((suffix) => `${databaseOf(service)}_${suffix}`);

/** Passwords a process could try: those in its URLs and, from any secret it holds, each role's derived one. */
function passwordsFor(role: string, holdings: string[]): string[] {
  const fromUrls = postgresUrlsIn(holdings).map((url) => decodeURIComponent(url.password));
  const derived = holdings.map((secret) => createHmac('sha256', secret).update(`gardien-db-role:${role}`).digest('base64url'));
  return [...new Set([...fromUrls, ...derived])].filter(Boolean);
}

async function connects(user: string, password: string, database: string): Promise<boolean> {
  const client = new pg.Client({ host: '127.0.0.1', port: cluster.port, user, password, database, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

describe('what each service holds', () => {
  test.each(BUS_SERVICES)('%s holds no admin URL and no shared role secret', (service) => {
    const env = environmentOf(service);
    expect(Object.keys(env).filter((key) => /^GARDIEN_(DATABASE_ADMIN_URL|DB_ROLE_SECRET)/.test(key) || key === 'PGPASSWORD')).toEqual([]);
    for (const url of postgresUrlsIn(holdingsOf(service))) {
      expect({ service, user: url.username }).toEqual({ service, user: expect.stringMatching(new RegExp(`^${databaseOf(service)}_(app|maint)$`)) });
    }
    expect(holdingsOf(service).join('\n')).not.toContain(new URL(cluster.adminUrl).password);
  });

  test.each(BUS_SERVICES)('with all it holds, %s reaches no other service’s database, as no role of another service', async (service) => {
    const holdings = holdingsOf(service);
    const reached: string[] = [];
    for (const other of BUS_SERVICES.filter((s) => s !== service)) {
      for (const url of postgresUrlsIn(holdings)) {
        if (await connects(url.username, decodeURIComponent(url.password), databaseOf(other))) reached.push(`${url.username}@${databaseOf(other)}`);
      }
      for (const role of rolesOf(other)) {
        for (const password of passwordsFor(role, holdings)) {
          if (await connects(role, password, databaseOf(other))) reached.push(`${role}@${databaseOf(other)}`);
        }
      }
    }
    expect(reached).toEqual([]);
  });

  test.each(BUS_SERVICES)('%s connects to its own database as a role that owns nothing and cannot bypass row-level security', async (service) => {
    const env = environmentOf(service);
    const runtime = new URL(env.GARDIEN_DATABASE_URL_FILE ? readFileSync(env.GARDIEN_DATABASE_URL_FILE, 'utf8').trim() : env.GARDIEN_DATABASE_URL!);
    runtime.pathname = `/${databaseOf(service)}`;
    const client = new pg.Client({ connectionString: runtime.toString() });
    await client.connect();
    try {
      const role = await client.query(
        `SELECT current_user AS name, rolsuper AS superuser, rolbypassrls AS bypass_rls, rolcreaterole AS create_role, rolcreatedb AS create_db,
                pg_has_role(current_user, (SELECT datdba FROM pg_database WHERE datname = current_database()), 'MEMBER') AS owner
           FROM pg_roles WHERE rolname = current_user`,
      );
      expect(role.rows[0]).toEqual({ name: `${databaseOf(service)}_app`, superuser: false, bypass_rls: false, create_role: false, create_db: false, owner: false });
    } finally {
      await client.end();
    }
  });

  test('each bus service has its own master key file and key directory; the edge has none', () => {
    const keys = BUS_SERVICES.map((service) => environmentOf(service).GARDIEN_MASTER_KEY_FILE);
    const dirs = BUS_SERVICES.map((service) => environmentOf(service).GARDIEN_DATA_DIR);
    expect(new Set(keys).size).toBe(BUS_SERVICES.length);
    expect(new Set(dirs).size).toBe(BUS_SERVICES.length);
    expect(new Set(keys.map((file) => readFileSync(file!, 'utf8'))).size).toBe(BUS_SERVICES.length);
    expect(Object.keys(environmentOf('edge-api')).filter((key) => /^GARDIEN_(MASTER_KEY|DATA_DIR|DATABASE)/.test(key))).toEqual([]);
  });
});

describe('a service checks at boot the credentials it is given', () => {
  test('given the administrator’s URL as its own, a service refuses to start: its role is privileged', async () => {
    const file = join(platform.dataDir, 'admin-as-runtime.url');
    writeFileSync(file, cluster.adminUrl.replace(/\/postgres$/, `/${databaseOf('tenant')}`), { mode: 0o600 });
    await expect(platform.launch('tenant', 'tenant-as-admin', { GARDIEN_DATABASE_URL_FILE: file })).rejects.toThrow(/exited with code 1/);
    const fatal = platform.lines.find((l) => l.process === 'tenant-as-admin' && l.line.includes('"level":"fatal"'))!;
    expect(JSON.parse(fatal.line).err).toMatchObject({ type: 'ProvisioningError', code: 'PRIVILEGED_ROLE' });
    expect(fatal.line).not.toContain(new URL(cluster.adminUrl).password);
  });

  test('given the administrator’s URL at all, or no password in production, a service refuses its configuration (78), naming the variables only', async () => {
    await expect(platform.launch('tenant', 'tenant-with-admin-url', { GARDIEN_DATABASE_ADMIN_URL: cluster.adminUrl })).rejects.toThrow(/exited with code 78/);
    const runtime = new URL(readFileSync(join(platform.dataDir, 'secrets', 'tenant', 'database.url'), 'utf8').trim());
    runtime.password = '';
    await expect(
      platform.launch('tenant', 'tenant-without-password', { GARDIEN_ENV: 'production', GARDIEN_NATS_NKEY_SEED: `SU${'A'.repeat(56)}`, GARDIEN_DATABASE_URL_FILE: '', GARDIEN_DATABASE_URL: runtime.toString() }),
    ).rejects.toThrow(/exited with code 78/);
    const refusals = platform.lines.filter((l) => l.process.startsWith('tenant-with') && l.line.includes('invalid configuration')).map((l) => JSON.parse(l.line).variables);
    expect(refusals).toEqual([['GARDIEN_DATABASE_ADMIN_URL'], expect.arrayContaining(['GARDIEN_DATABASE_URL'])]);
    expect(platform.allOutput()).not.toContain(new URL(cluster.adminUrl).password);
  });
});

describe('a service checks at boot that its streams and consumers are as declared', () => {
  let attempt = 0;

  /**
   * Replaces stream AUDIT for the length of one test, then puts the declared one back, with the
   * audit service's durable consumer that went with it: republish cannot be changed by an update,
   * so the stream is created anew.
   */
  async function withAudit(change: (config: StreamConfig) => Partial<StreamConfig>, test: () => Promise<void>): Promise<void> {
    const { config } = await jsm.streams.info('AUDIT');
    await jsm.streams.delete('AUDIT');
    await jsm.streams.add({ ...config, ...change(config) });
    try {
      await test();
    } finally {
      await jsm.streams.delete('AUDIT');
      await jsm.streams.add(config);
      await createConsumer(jsm, DURABLE_CONSUMERS.audit.entries);
    }
  }

  async function refusesToStart(service: BusService, ...mentions: string[]): Promise<void> {
    const name = `${service}-check-${(attempt += 1)}`;
    await expect(platform.launch(service, name)).rejects.toThrow(/exited with code 1/);
    const fatal = platform.lines.find((l) => l.process === name && l.line.includes('"level":"fatal"'));
    expect(fatal?.line).toBeDefined();
    for (const mention of mentions) expect(fatal!.line).toContain(mention);
  }

  test('a stream with a subject more (logins) is refused', async () => {
    await withAudit((config) => ({ subjects: [...config.subjects, AUTH_OPERATIONS.login.subject] }), () => refusesToStart('tenant', 'AUDIT', 'subjects'));
  });

  test('a stream that republishes is refused', async () => {
    await withAudit(() => ({ republish: { src: 'gardien.audit.>', dest: '_INBOX_llm-gateway.stolen.>' } }), () => refusesToStart('tenant', 'AUDIT', 'republish'));
  });

  test('a stream with a source is refused', async () => {
    await jsm.streams.add({ name: 'ELSEWHERE', subjects: ['elsewhere.>'] });
    await withAudit(() => ({ sources: [{ name: 'ELSEWHERE' }] }), () => refusesToStart('llm-gateway', 'AUDIT', 'sources'));
  });

  test('a durable consumer made a push consumer is refused by its owner', async () => {
    const consumer = DURABLE_CONSUMERS.auth.tenantDeleted;
    const { config } = await jsm.consumers.info('EVENTS', consumer.name);
    const pushable = { ...config, max_waiting: undefined };
    await jsm.consumers.delete('EVENTS', consumer.name);
    await jsm.consumers.add('EVENTS', { ...pushable, deliver_subject: '_INBOX_llm-gateway.tenants' });
    try {
      await refusesToStart('auth', consumer.name, 'deliver_subject');
    } finally {
      await jsm.consumers.delete('EVENTS', consumer.name);
      await jsm.consumers.add('EVENTS', config);
    }
  });
});

describe('gardien provision', () => {
  interface Outcome {
    stream: string;
    consumer?: string;
    outcome: string;
    differs?: string[];
  }
  const outcomesOf = (run: ProvisionRun) => {
    const report = run.report as { streams: Outcome[]; consumers: Outcome[] };
    return [...report.streams, ...report.consumers].map(({ stream, consumer, outcome, differs }) => ({ name: consumer ?? stream, outcome, ...(differs ? { differs } : {}) }));
  };
  const secrets = () => join(platform.dataDir, 'secrets');
  /** The services that purge expired rows, hence get a maintenance login: auth (sessions), the vector store (documents after a year). */
  const PURGING: BusService[] = ['auth', 'vector-store'];

  test('writes each credential to a file of its own, readable by its owner only, and shows no secret', () => {
    expect(statSync(secrets()).isDirectory()).toBe(true);
    const files = BUS_SERVICES.flatMap((service) => readdirSync(join(secrets(), service)).map((file) => join(secrets(), service, file)));
    expect(files.map((file) => file.slice(secrets().length + 1)).sort()).toEqual(
      [...BUS_SERVICES.map((service) => `${service}/database.url`), ...PURGING.map((service) => `${service}/maintenance-database.url`)].sort(),
    );
    for (const service of BUS_SERVICES) expect([service, statSync(join(secrets(), service)).mode & 0o777]).toEqual([service, 0o700]);
    for (const file of files) expect([file, statSync(file).mode & 0o777]).toEqual([file, 0o600]);
    const passwords = files.map((file) => decodeURIComponent(new URL(readFileSync(file, 'utf8').trim()).password));
    expect(new Set(passwords).size).toBe(files.length);
    const provisionOutput = platform.lines.filter((entry) => entry.process === 'provision').map((entry) => entry.line).join('\n');
    expect(provisionOutput).toContain('"outcome":"created"');
    for (const password of [...passwords, new URL(cluster.adminUrl).password]) expect(provisionOutput).not.toContain(password);
  });

  test('run again, it changes nothing: the same credentials, every stream and consumer unchanged', async () => {
    const before = BUS_SERVICES.map((service) => readFileSync(join(secrets(), service, 'database.url'), 'utf8'));
    const again = await platform.provision();
    expect(again.code).toBe(0);
    expect(outcomesOf(again).filter(({ outcome }) => outcome !== 'unchanged')).toEqual([]);
    expect(BUS_SERVICES.map((service) => readFileSync(join(secrets(), service, 'database.url'), 'utf8'))).toEqual(before);
    expect((await fetch(`${platform.edgeUrl}/health`)).status).toBe(200);
  });

  test('a stream configured otherwise is reported (exit 1) and left as it is; --update-jetstream puts it back', async () => {
    const { config } = await jsm.streams.info('EVENTS');
    await jsm.streams.update('EVENTS', { ...config, subjects: [...config.subjects, AUTH_OPERATIONS.login.subject] });
    const reported = await platform.provision();
    expect(reported.code).toBe(1);
    expect(outcomesOf(reported)).toContainEqual({ name: 'EVENTS', outcome: 'differs', differs: ['subjects'] });
    expect((await jsm.streams.info('EVENTS')).config.subjects).toContain(AUTH_OPERATIONS.login.subject);
    const updated = await platform.provision(['--update-jetstream']);
    expect(updated.code).toBe(0);
    expect(outcomesOf(updated)).toContainEqual({ name: 'EVENTS', outcome: 'updated' });
    expect((await jsm.streams.info('EVENTS')).config.subjects).toEqual(['gardien.events.>']);
  });

  test('what the server cannot change in place (a republish) is reported as refused, for an operator to delete', async () => {
    const { config } = await jsm.streams.info('AUDIT');
    await jsm.streams.delete('AUDIT');
    await jsm.streams.add({ ...config, republish: { src: 'gardien.audit.>', dest: '_INBOX_llm-gateway.stolen.>' } });
    try {
      const refused = await platform.provision(['--update-jetstream']);
      expect(refused.code).toBe(1);
      expect(outcomesOf(refused)).toContainEqual({ name: 'AUDIT', outcome: 'update-refused', differs: ['republish'] });
    } finally {
      await jsm.streams.delete('AUDIT');
      expect((await platform.provision()).code).toBe(0);
    }
  });
});
