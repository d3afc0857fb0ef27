// The use of the day, as two replicas write it: their settlement batches of one tenant upsert the
// same rows (one per model and API key) in whatever order their calls came, and must wait for each
// other, never deadlock (security review of 217dc58: 29 to 32 deadlocks in 200 transactions with
// the rows in arrival order). Sums are exact whichever way a uuid is spelled.
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { withTenant } from '@gardien/persistence';
import { ADMIN_URL, dropTestDatabases, testDatabasePrefix } from '@gardien/testing';
import { openTwoReplicas, type TwoReplicas } from '../testing/two-replicas.js';
import { UsageRepository, type UsageIncrement } from './usage.repository.js';

const prefix = testDatabasePrefix();
let replicaA: DataSource;
let replicaB: DataSource;
const repository = new UsageRepository();
const DAY = '2026-12-04';

let replicas: TwoReplicas;

beforeAll(async () => {
  replicas = await openTwoReplicas(prefix, ADMIN_URL);
  ({ replicaA, replicaB } = replicas);
});

afterAll(async () => {
  await replicas?.close();
  await dropTestDatabases(prefix);
});

const useOf = (tenantId: string, apiKeyId: string | null): UsageIncrement => ({ tenantId, day: DAY, model: 'assistant', apiKeyId, promptTokens: 2, completionTokens: 3 });

async function rowsOf(tenantId: string) {
  return withTenant(replicaA, tenantId, (manager) => repository.list(manager, tenantId, DAY, DAY, 1_000));
}

test('two replicas adding the same rows in opposite orders wait for each other, never deadlock, and every increment counts once', async () => {
  const tenantId = randomUUID();
  const keys = Array.from({ length: 20 }, () => randomUUID());
  // The rows exist (an earlier settlement of the day made them): each upsert then locks them.
  await withTenant(replicaA, tenantId, (manager) => repository.addAll(manager, keys.map((key) => useOf(tenantId, key))));
  const failures: unknown[] = [];
  const rounds = (dataSource: DataSource, order: string[]) => async () => {
    for (let i = 0; i < 25; i++) {
      await withTenant(dataSource, tenantId, (manager) => repository.addAll(manager, order.map((key) => useOf(tenantId, key)))).catch((error: unknown) => failures.push(error));
    }
  };
  const reversed = [...keys].reverse();
  await Promise.all([rounds(replicaA, keys)(), rounds(replicaB, reversed)(), rounds(replicaA, reversed)(), rounds(replicaB, keys)()]);
  expect(failures.map((error) => (error as { code?: string }).code)).toEqual([]);
  const rows = await rowsOf(tenantId);
  expect(rows).toHaveLength(20);
  for (const row of rows) expect(row).toMatchObject({ requests: 101, prompt_tokens: 202, completion_tokens: 303 });
}, 60_000);

test('one key spelled in two cases in one batch is one row, and a call without a key has a row of its own', async () => {
  const tenantId = randomUUID();
  const key = randomUUID();
  await withTenant(replicaA, tenantId, (manager) => repository.addAll(manager, [useOf(tenantId, key), useOf(tenantId, key.toUpperCase()), useOf(tenantId, null)]));
  const rows = await rowsOf(tenantId);
  expect(rows.map(({ api_key_id, requests }) => ({ api_key_id, requests })).sort((a, b) => a.requests - b.requests)).toEqual([
    { api_key_id: null, requests: 1 },
    { api_key_id: key, requests: 2 },
  ]);
});
