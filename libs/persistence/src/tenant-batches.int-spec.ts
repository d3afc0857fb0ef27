// Items of one tenant flushed together in one transaction, against the real Postgres as the runtime
// role: under concurrency they share commits and stay exact; one that fails fails alone, and the
// others of its batch commit; each batch runs in its tenant's transaction (row security), tenants
// apart. The items here are works run one after the other, the simplest flush there is.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { ADMIN_URL, dropTestDatabases, testDatabasePrefix } from '@gardien/testing';
import { openServiceDatabase } from './open-service-database.js';
import { enableTenantIsolation } from './row-level-security.js';
import { TenantBatches, type TenantBatchesOptions } from './tenant-batches.js';

const prefix = testDatabasePrefix();
let runtime: DataSource;

class CreateTallies1732579200004 {
  name = 'CreateTallies1732579200004';
  async up(runner: QueryRunner) {
    await runner.query('CREATE TABLE tallies (tenant_id uuid PRIMARY KEY, n integer NOT NULL)');
    await runner.query('CREATE TABLE marks (id serial PRIMARY KEY, tenant_id uuid NOT NULL, label text NOT NULL)');
    // Checked at commit: a batch that breaks it fails at its commit, after its flush.
    await runner.query('CREATE TABLE deferred (tenant_id uuid NOT NULL, label text NOT NULL, CONSTRAINT deferred_once UNIQUE (label) DEFERRABLE INITIALLY DEFERRED)');
    await enableTenantIsolation(runner, 'deferred');
    await enableTenantIsolation(runner, 'tallies');
    await enableTenantIsolation(runner, 'marks');
  }
  async down(runner: QueryRunner) {
    await runner.query('DROP TABLE deferred');
    await runner.query('DROP TABLE marks');
    await runner.query('DROP TABLE tallies');
  }
}

beforeAll(async () => {
  ({ runtime } = await openServiceDatabase({ service: 'batch-probe', prefix, adminUrl: ADMIN_URL, migrations: [CreateTallies1732579200004] }));
});

afterAll(async () => {
  await runtime?.destroy();
  await dropTestDatabases(prefix);
});

type Work<T> = (manager: EntityManager) => Promise<T>;

/** Batches whose items are works, run in their order in the batch's transaction. */
class WorkBatches extends TenantBatches<Work<unknown>, unknown> {
  constructor(dataSource: DataSource, options: TenantBatchesOptions = {}) {
    super(
      dataSource,
      async (manager, works) => {
        const done: unknown[] = [];
        for (const work of works) done.push(await work(manager));
        return done;
      },
      options,
    );
  }
  override run<T>(tenantId: string, work: Work<T>): Promise<T> {
    return super.run(tenantId, work) as Promise<T>;
  }
}

/** Adds one to the tenant's tally (the contended row) and leaves a mark; the transaction's id, to tell batches apart. */
const bump = (tenantId: string, label: string) => async (manager: EntityManager) => {
  await manager.query('INSERT INTO tallies (tenant_id, n) VALUES ($1, 1) ON CONFLICT (tenant_id) DO UPDATE SET n = tallies.n + 1', [tenantId]);
  await manager.query('INSERT INTO marks (tenant_id, label) VALUES ($1, $2)', [tenantId, label]);
  const [row] = (await manager.query('SELECT txid_current()::text AS txid')) as Array<{ txid: string }>;
  return row!.txid;
};

async function tallyOf(tenantId: string): Promise<{ n: number; labels: string[] }> {
  const batches = new WorkBatches(runtime);
  return batches.run(tenantId, async (manager) => {
    const [tally] = (await manager.query('SELECT n FROM tallies WHERE tenant_id = $1', [tenantId])) as Array<{ n: number }>;
    const marks = (await manager.query('SELECT label FROM marks ORDER BY id')) as Array<{ label: string }>;
    return { n: tally?.n ?? 0, labels: marks.map((mark) => mark.label) };
  });
}

test('concurrent works of a tenant share transactions, in the order they came, and every one of them counts once', async () => {
  const tenantId = randomUUID();
  const batches = new WorkBatches(runtime);
  const txids = await Promise.all(Array.from({ length: 200 }, (_, i) => batches.run(tenantId, bump(tenantId, `w${i}`))));
  expect(new Set(txids).size).toBeLessThan(200);
  // The first ran alone, at once; the others waited for it and went together.
  expect(txids.filter((txid) => txid === txids[0])).toHaveLength(1);
  const { n, labels } = await tallyOf(tenantId);
  expect(n).toBe(200);
  expect(labels).toEqual(Array.from({ length: 200 }, (_, i) => `w${i}`));
});

test('a work alone runs at once in a transaction of its own', async () => {
  const tenantId = randomUUID();
  const batches = new WorkBatches(runtime);
  const first = await batches.run(tenantId, bump(tenantId, 'one'));
  const second = await batches.run(tenantId, bump(tenantId, 'two'));
  expect(first).not.toBe(second);
});

test('works that fail fail alone: whichever fail in a batch, the others commit, each once, and those that failed leave nothing', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.boolean(), { minLength: 1, maxLength: 30 }), async (failing) => {
      const tenantId = randomUUID();
      const batches = new WorkBatches(runtime, { maxBatch: 8 });
      const outcomes = await Promise.allSettled(
        failing.map((fails, i) =>
          batches.run(tenantId, async (manager) => {
            await bump(tenantId, `w${i}`)(manager);
            if (fails) throw new Error(`work ${i} failed`);
            return i;
          }),
        ),
      );
      outcomes.forEach((outcome, i) => {
        if (failing[i]) expect(outcome).toEqual({ status: 'rejected', reason: new Error(`work ${i} failed`) });
        else expect(outcome).toEqual({ status: 'fulfilled', value: i });
      });
      const kept = failing.flatMap((fails, i) => (fails ? [] : [`w${i}`]));
      expect(await tallyOf(tenantId)).toEqual({ n: kept.length, labels: kept });
    }),
    { numRuns: 25 },
  );
});

test("each batch is its tenant's: works of two tenants at once see and write only their own rows", async () => {
  const [a, b] = [randomUUID(), randomUUID()];
  const batches = new WorkBatches(runtime);
  await Promise.all(Array.from({ length: 40 }, (_, i) => batches.run(i % 2 ? a : b, bump(i % 2 ? a : b, `${i % 2 ? 'a' : 'b'}${i}`))));
  const [ofA, ofB] = [await tallyOf(a), await tallyOf(b)];
  expect(ofA.n).toBe(20);
  expect(ofB.n).toBe(20);
  expect(ofA.labels.every((label) => label.startsWith('a'))).toBe(true);
  expect(ofB.labels.every((label) => label.startsWith('b'))).toBe(true);
  // A write for another tenant, inside a batch of A's, is refused by row security, and only it.
  const refused = batches.run(a, (manager) => manager.query("INSERT INTO marks (tenant_id, label) VALUES ($1, 'stray')", [b]));
  const kept = batches.run(a, bump(a, 'a-after'));
  await expect(refused).rejects.toThrow(/row-level security/);
  await expect(kept).resolves.toEqual(expect.any(String));
  expect((await tallyOf(b)).labels).not.toContain('stray');
});

test('a flush is given every item of its batch at once, and must give one result per item', async () => {
  const tenantId = randomUUID();
  const sizes: number[] = [];
  const batches = new TenantBatches<number, number>(runtime, async (_manager, items) => {
    sizes.push(items.length);
    return items.map((item) => item * 2);
  });
  expect(await Promise.all(Array.from({ length: 50 }, (_, i) => batches.run(tenantId, i)))).toEqual(Array.from({ length: 50 }, (_, i) => i * 2));
  expect(sizes[0]).toBe(1);
  expect(Math.max(...sizes)).toBeGreaterThan(1);
  const short = new TenantBatches<number, number>(runtime, async () => []);
  await expect(short.run(tenantId, 1)).rejects.toThrow('a flush gave 0 results for 1 items');
});

test('batches asked not to commit synchronously commit asynchronously, theirs alone; others stay durable', async () => {
  const tenantId = randomUUID();
  const setting = async (manager: EntityManager) => ((await manager.query('SHOW synchronous_commit')) as Array<{ synchronous_commit: string }>)[0]!.synchronous_commit;
  expect(await new WorkBatches(runtime, { synchronousCommit: false }).run(tenantId, setting)).toBe('off');
  expect(await new WorkBatches(runtime).run(tenantId, setting)).toBe('on');
  // The setting was the transaction's: the next one on the same connections is durable again.
  expect(await new WorkBatches(runtime).run(tenantId, setting)).toBe('on');
});

test('drained() resolves once every item queued so far, of every tenant, is written', async () => {
  const [a, b] = [randomUUID(), randomUUID()];
  const batches = new WorkBatches(runtime);
  const written: string[] = [];
  for (let i = 0; i < 30; i++) void batches.run(i % 2 ? a : b, async (manager) => void (await bump(i % 2 ? a : b, `d${i}`)(manager), written.push(`d${i}`)));
  await batches.drained();
  expect(written).toHaveLength(30);
  expect((await tallyOf(a)).n + (await tallyOf(b)).n).toBe(30);
  await expect(new WorkBatches(runtime).drained()).resolves.toBeUndefined();
});

test('a batch that fails at its commit is not run again (it might have committed): each of its items fails once', async () => {
  const tenantId = randomUUID();
  let flushes = 0;
  const label = randomUUID();
  const batches = new TenantBatches<number, number>(runtime, async (manager, items) => {
    flushes += 1;
    // Two rows of one label: the deferred constraint refuses the commit, not the statement.
    await manager.query('INSERT INTO deferred (tenant_id, label) VALUES ($1, $2), ($1, $2)', [tenantId, label]);
    return items;
  });
  const outcomes = await Promise.allSettled([1, 2, 3, 4].map((item) => batches.run(tenantId, item)));
  expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
  expect(outcomes.map((outcome) => ((outcome as PromiseRejectedResult).reason as { code?: string }).code)).toEqual(['23505', '23505', '23505', '23505']);
  // The first alone, the three others together: two flushes, none again.
  expect(flushes).toBe(2);
});
