// The audit log in its real database, as the runtime role: entries appended to one tree per tenant
// (the same root as the tree built whole), an entry id seen twice appended once, two replicas
// appending at once without breaking a tree, tenants apart; and nobody can change what is written,
// the owner included.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { MemoryMerkleTree, canonicalText, foldRange, leafHash, rangeNodes } from '@gardien/audit-log';
import { PLATFORM_TENANT_ID, logEntryOf, type AuditEntry } from '@gardien/contracts';
import { CreateOutbox1732579200000, openServiceDatabase, withTenant } from '@gardien/persistence';
import { ADMIN_URL, dropTestDatabases, testDatabasePrefix } from '@gardien/testing';
import { AUDIT_LOG_TABLES } from '../migrations/1733140000000-create-audit-log.js';
import { AUDIT_MIGRATIONS } from '../migrations/index.js';
import { AuditLogAppender } from './audit-log.appender.js';
import { AuditLogRepository, nodeKey } from './audit-log.repository.js';

const prefix = testDatabasePrefix();
let runtime: DataSource;
let database: string;
let ownerRole: string;
const tenantA = randomUUID();
const tenantB = randomUUID();

function entry(tenantId: string | null, n = 0): AuditEntry {
  return {
    id: randomUUID(),
    occurredAt: new Date(Date.UTC(2026, 11, 2, 10, 0, n % 60)).toISOString(),
    service: 'auth',
    action: 'user.created',
    outcome: 'success',
    tenantId,
    actor: { type: 'user', id: randomUUID() },
    target: { type: 'user', id: randomUUID() },
    details: { count: n },
    requestId: null,
  };
}

/** The tree of `entries` built whole in memory: what the stored log must amount to. */
function treeOf(entries: readonly AuditEntry[]): MemoryMerkleTree {
  const tree = new MemoryMerkleTree();
  for (const e of entries) tree.append(leafHash(Buffer.from(canonicalText(logEntryOf(e)))));
  return tree;
}

/** The size and root of a stored log, from its frontier nodes as the service reads them. */
async function storedRoot(tenantId: string): Promise<{ size: number; root: string }> {
  const repository = new AuditLogRepository();
  return withTenant(runtime, tenantId, async (manager) => {
    const size = await repository.sizeOf(manager, tenantId);
    const refs = rangeNodes(0, size);
    const nodes = await repository.nodes(manager, tenantId, refs);
    return { size, root: foldRange(refs.map((ref) => nodes.get(nodeKey(ref))!)).toString('hex') };
  });
}

async function asSuperuser<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: Object.assign(new URL(ADMIN_URL), { pathname: `/${database}` }).toString() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  const opened = await openServiceDatabase({ service: 'audit', prefix, adminUrl: ADMIN_URL, migrations: [CreateOutbox1732579200000, ...AUDIT_MIGRATIONS] });
  runtime = opened.runtime;
  database = opened.db.database;
  ownerRole = opened.db.ownerRole;
});

afterAll(async () => {
  await runtime?.destroy();
  await dropTestDatabases(prefix);
});

test("entries go to the tree of their tenant, or the platform's, each with the root of the tree built whole", async () => {
  const appender = new AuditLogAppender(runtime, new AuditLogRepository());
  const a = Array.from({ length: 37 }, (_, i) => entry(tenantA, i));
  const platform = Array.from({ length: 5 }, (_, i) => entry(null, i));
  // Interleaved, in batches of any size, as the stream delivers them.
  const all = a.flatMap((e, i) => (i < platform.length ? [e, platform[i]!] : [e]));
  for (let i = 0; i < all.length; i += 7) await appender.append(all.slice(i, i + 7));
  expect(await storedRoot(tenantA)).toEqual({ size: 37, root: treeOf(a).root().toString('hex') });
  expect(await storedRoot(PLATFORM_TENANT_ID)).toEqual({ size: 5, root: treeOf(platform).root().toString('hex') });
});

test('an entry id seen twice, in one batch or two, is appended once', async () => {
  const appender = new AuditLogAppender(runtime, new AuditLogRepository());
  const tenant = randomUUID();
  const [first, second] = [entry(tenant, 1), entry(tenant, 2)];
  expect(await appender.append([first, first, second])).toEqual({ appended: 2, duplicates: 1, grown: [tenant] });
  expect(await appender.append([second, first])).toEqual({ appended: 0, duplicates: 2, grown: [] });
  expect(await storedRoot(tenant)).toEqual({ size: 2, root: treeOf([first, second]).root().toString('hex') });
});

test('two replicas appending to the same logs at once leave every tree whole', async () => {
  const tenant = randomUUID();
  const [one, two] = [new AuditLogAppender(runtime, new AuditLogRepository()), new AuditLogAppender(runtime, new AuditLogRepository())];
  const batches = Array.from({ length: 12 }, (_, b) => Array.from({ length: 9 }, (_, i) => entry(i % 3 === 0 ? tenantB : tenant, b * 9 + i)));
  await Promise.all(batches.map((batch, i) => (i % 2 === 0 ? one : two).append(batch)));
  // Whatever order the batches committed in, the stored tree is the tree of the stored order.
  for (const log of [tenant, tenantB]) {
    const stored = await withTenant(runtime, log, (m) => m.query('SELECT entry FROM audit_entries WHERE tenant_id = $1 ORDER BY idx', [log]));
    const tree = new MemoryMerkleTree();
    for (const row of stored as Array<{ entry: string }>) tree.append(leafHash(Buffer.from(row.entry)));
    expect(await storedRoot(log)).toEqual({ size: stored.length, root: tree.root().toString('hex') });
  }
  expect((await storedRoot(tenant)).size + (await storedRoot(tenantB)).size).toBe(108);
});

/** The ids of a stored log, in index order. */
async function storedIds(tenantId: string): Promise<string[]> {
  const rows: Array<{ id: string }> = await withTenant(runtime, tenantId, (m) => m.query('SELECT id FROM audit_entries WHERE tenant_id = $1 ORDER BY idx', [tenantId]));
  return rows.map((row) => row.id);
}

test("a batch spanning tenants keeps each tenant's arrival order, each in its own tree", async () => {
  const appender = new AuditLogAppender(runtime, new AuditLogRepository());
  const tenants = Array.from({ length: 5 }, () => randomUUID());
  // Tenants of very different sizes, interleaved unevenly, so that the logs of a batch are shared
  // out among its transactions in more than one way.
  const all = Array.from({ length: 600 }, (_, i) => entry(tenants[(i * i + (i % 7)) % tenants.length]!, i));
  for (let i = 0; i < all.length; i += 250) await appender.append(all.slice(i, i + 250));
  for (const tenant of tenants) {
    const arrived = all.filter((e) => e.tenantId === tenant);
    expect(await storedIds(tenant)).toEqual(arrived.map((e) => e.id));
    expect(await storedRoot(tenant)).toEqual({ size: arrived.length, root: treeOf(arrived).root().toString('hex') });
  }
});

test('a batch holding an id twice, across tenants, appends it once, after the entries before it', async () => {
  const appender = new AuditLogAppender(runtime, new AuditLogRepository());
  const [one, two] = [randomUUID(), randomUUID()];
  const [a, b, c, d] = [entry(one, 1), entry(two, 2), entry(one, 3), entry(two, 4)];
  expect(await appender.append([a, b, a, c, b, d, c])).toEqual({ appended: 4, duplicates: 3, grown: [one, two].sort() });
  expect(await storedIds(one)).toEqual([a.id, c.id]);
  expect(await storedIds(two)).toEqual([b.id, d.id]);
});

test('a replica whose memory of a log is behind appends after what the other stored, the tree whole', async () => {
  const tenant = randomUUID();
  const [one, two] = [new AuditLogAppender(runtime, new AuditLogRepository()), new AuditLogAppender(runtime, new AuditLogRepository())];
  const batches = Array.from({ length: 5 }, (_, b) => Array.from({ length: 3 + b }, (_, i) => entry(tenant, b * 10 + i)));
  // Taking turns: every batch of one finds the log grown since its last one.
  for (const [i, batch] of batches.entries()) await (i % 2 === 0 ? one : two).append(batch);
  expect(await storedIds(tenant)).toEqual(batches.flat().map((e) => e.id));
  expect(await storedRoot(tenant)).toEqual({ size: batches.flat().length, root: treeOf(batches.flat()).root().toString('hex') });
});

test("when one transaction of a batch fails and another commits, the batch given again appends each entry once, in order", async () => {
  const [failing, other] = [randomUUID(), randomUUID()];
  /** A database that loses its connection once, in the middle of storing one log's entries. */
  class FailingOnce extends AuditLogRepository {
    failed = false;
    override async insertAt(...args: Parameters<AuditLogRepository['insertAt']>): Promise<number> {
      if (args[1] === failing && !this.failed) {
        this.failed = true;
        throw Object.assign(new Error('connection lost'), { code: 'ECONNRESET' });
      }
      return super.insertAt(...args);
    }
  }
  const appender = new AuditLogAppender(runtime, new FailingOnce());
  const batch = Array.from({ length: 40 }, (_, i) => entry(i % 2 === 0 ? failing : other, i));
  await expect(appender.append(batch)).rejects.toThrow('connection lost');
  // The other log's transaction committed (it is appended, or the test proves nothing).
  expect((await storedIds(other)).length).toBe(20);
  expect(await storedIds(failing)).toEqual([]);
  expect(await appender.append(batch)).toEqual({ appended: 20, duplicates: 20, grown: [failing] });
  for (const log of [failing, other]) {
    const arrived = batch.filter((e) => e.tenantId === log);
    expect(await storedIds(log)).toEqual(arrived.map((e) => e.id));
    expect(await storedRoot(log)).toEqual({ size: 20, root: treeOf(arrived).root().toString('hex') });
  }
});

test("a tenant's transaction sees its own log only, and one with no tenant sees none", async () => {
  await new AuditLogAppender(runtime, new AuditLogRepository()).append([entry(tenantB, 1)]);
  const seen = await withTenant(runtime, tenantA, (m) => m.query('SELECT DISTINCT tenant_id FROM audit_entries'));
  expect(seen).toEqual([{ tenant_id: tenantA }]);
  const none = await runtime.query('SELECT count(*)::int AS n FROM audit_entries');
  expect(none).toEqual([{ n: 0 }]);
});

describe('append-only', () => {
  const changes = (table: string) => [
    ['UPDATE', table === 'audit_signing_keys' ? `UPDATE ${table} SET key_id = key_id` : `UPDATE ${table} SET tenant_id = tenant_id`],
    ['DELETE', `DELETE FROM ${table}`],
    ['TRUNCATE', `TRUNCATE ${table}`],
  ];

  beforeAll(async () => {
    // A row in every table, so that a refusal is not that of an empty table.
    await new AuditLogAppender(runtime, new AuditLogRepository()).append([entry(tenantA, 90), entry(tenantA, 91)]);
    await asSuperuser(async (client) => {
      await client.query("INSERT INTO audit_tree_heads (tenant_id, tree_size, signed_at, root_hash, key_id, head) VALUES ($1, 1, now(), $2, 'k', '{}')", [tenantA, Buffer.alloc(32)]);
      await client.query("INSERT INTO audit_signing_keys (key_id, public_x, private_key_sealed) VALUES ('k', 'x', 'sealed')");
    });
    const counts = await asSuperuser((client) => Promise.all(AUDIT_LOG_TABLES.map(async (table) => (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n)));
    expect(counts.every((n) => n > 0)).toBe(true);
  });

  test.each(AUDIT_LOG_TABLES.flatMap((table) => changes(table).map(([what, sql]) => [table, what!, sql!] as const)))('%s: %s as the runtime role is refused', async (table, _what, sql) => {
    await expect(withTenant(runtime, tenantA, (m) => m.query(sql))).rejects.toThrow(/permission denied|append-only/);
    void table;
  });

  test.each(AUDIT_LOG_TABLES.flatMap((table) => changes(table).map(([what, sql]) => [table, what!, sql!] as const)))('%s: %s as the owner is refused', async (_table, _what, sql) => {
    // With the tenant of the rows set: row security would let the owner reach them.
    await expect(asSuperuser((client) => client.query(`SET ROLE ${ownerRole}; SELECT set_config('gardien.tenant_id', '${tenantA}', false); ${sql}`))).rejects.toThrow(/append-only/);
  });

  test('the runtime role holds INSERT and SELECT on the log, nothing else', async () => {
    const grants = await asSuperuser(async (client) =>
      (
        await client.query<{ table_name: string; privilege_type: string }>(
          `SELECT table_name, privilege_type FROM information_schema.role_table_grants WHERE grantee = $1 AND table_name = ANY($2) ORDER BY 1, 2`,
          [`${database}_app`, [...AUDIT_LOG_TABLES]],
        )
      ).rows,
    );
    for (const table of AUDIT_LOG_TABLES) expect(grants.filter((g) => g.table_name === table).map((g) => g.privilege_type)).toEqual(['INSERT', 'SELECT']);
  });

  test('every count is where it was', async () => {
    const rows = await asSuperuser((client) => client.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_entries'));
    expect(rows.rows[0]!.n).toBeGreaterThan(0);
  });
});
