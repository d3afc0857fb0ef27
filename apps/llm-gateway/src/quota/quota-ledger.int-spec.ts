// Quotas in the real database, as two replicas of the gateway would hold them: two connection
// pools on one database, calls admitted concurrently from both. Requests never pass their limit;
// tokens pass theirs only by what a call used beyond its reservation; a refusal takes nothing
// from any counter; what is given back can be taken again; tenants and API keys are counted apart.
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Quotas } from '@gardien/contracts';
import { withTenant } from '@gardien/persistence';
import { ADMIN_URL, dropTestDatabases, testDatabasePrefix } from '@gardien/testing';
import { openTwoReplicas, type TwoReplicas } from '../testing/two-replicas.js';
import { QuotaLedger, type QuotaScope } from './quota-ledger.js';
import { QuotaRepository } from './quota.repository.js';

const prefix = testDatabasePrefix();
let replicaA: DataSource;
let replicaB: DataSource;

let replicas: TwoReplicas;

beforeAll(async () => {
  replicas = await openTwoReplicas(prefix, ADMIN_URL);
  ({ replicaA, replicaB } = replicas);
});

afterAll(async () => {
  await replicas?.close();
  await dropTestDatabases(prefix);
});

const quotas = (overrides: Partial<Quotas> = {}): Quotas => ({
  requests_per_minute: 1_000,
  requests_per_day: 100_000,
  tokens_per_minute: 1_000_000,
  tokens_per_day: 10_000_000,
  api_key: {},
  ...overrides,
});

const at = (iso: string) => () => new Date(iso);
const ledgers = (now = at('2026-12-03T10:00:30Z')) =>
  [new QuotaLedger(replicaA, new QuotaRepository(), now), new QuotaLedger(replicaB, new QuotaRepository(), now)] as const;



async function outcome(promise: Promise<unknown>): Promise<'admitted' | number> {
  try {
    await promise;
    return 'admitted';
  } catch (error) {
    const { code, retryAfterSeconds } = error as { code?: string; retryAfterSeconds?: number };
    if (code !== 'RATE_LIMITED') throw error;
    return retryAfterSeconds!;
  }
}

async function counters(tenantId: string): Promise<Array<{ scope: string; window_kind: string; requests: string; tokens: string }>> {
  return withTenant(replicaA, tenantId, (manager) => manager.query('SELECT scope, window_kind, requests, tokens FROM llm_quota_counters WHERE tenant_id = $1 ORDER BY scope, window_kind', [tenantId]));
}

test('two replicas admitting 200 calls at once admit exactly the limit of requests; the others are told when the minute ends', async () => {
  const scope: QuotaScope = { tenantId: randomUUID(), apiKeyId: null, quotas: quotas({ requests_per_minute: 37 }) };
  const [a, b] = ledgers();
  const outcomes = await Promise.all(Array.from({ length: 200 }, (_, i) => outcome((i % 2 ? a : b).admit(scope, 10))));
  expect(outcomes.filter((o) => o === 'admitted')).toHaveLength(37);
  expect(new Set(outcomes.filter((o) => o !== 'admitted'))).toEqual(new Set([30]));
  expect(await counters(scope.tenantId)).toEqual([
    { scope: 'tenant', window_kind: 'day', requests: '37', tokens: '370' },
    { scope: 'tenant', window_kind: 'minute', requests: '37', tokens: '370' },
  ]);
});

test('tokens: reservations never pass the limit; settling replaces a reservation by what was used', async () => {
  const scope: QuotaScope = { tenantId: randomUUID(), apiKeyId: null, quotas: quotas({ tokens_per_minute: 1_000 }) };
  const [a, b] = ledgers();
  const outcomes = await Promise.all(Array.from({ length: 40 }, (_, i) => outcome((i % 2 ? a : b).admit(scope, 100))));
  expect(outcomes.filter((o) => o === 'admitted')).toHaveLength(10);
  // A call reserved 100 and used 40: 60 come back, enough for another call of 60 and no more.
  const admission = await a.admit({ ...scope, quotas: quotas({ tokens_per_minute: 1_100 }) }, 100);
  await a.adjust(scope.tenantId, a.settlement(admission, 40));
  expect(await outcome(b.admit({ ...scope, quotas: quotas({ tokens_per_minute: 1_100 }) }, 60))).toBe('admitted');
  expect(await outcome(b.admit({ ...scope, quotas: quotas({ tokens_per_minute: 1_100 }) }, 1))).toBe(30);
});

test('admissions that wait are decided together, in the order they came: a later call that fits is admitted after an earlier one that did not', async () => {
  const scope: QuotaScope = { tenantId: randomUUID(), apiKeyId: null, quotas: quotas({ requests_per_minute: 5, tokens_per_minute: 100 }) };
  const [a] = ledgers();
  // The first goes alone; the next three wait for it and are decided in one transaction.
  expect(await Promise.all([60, 50, 30, 20].map((tokens) => outcome(a.admit(scope, tokens))))).toEqual(['admitted', 30, 'admitted', 30]);
  expect(await counters(scope.tenantId)).toEqual([
    { scope: 'tenant', window_kind: 'day', requests: '2', tokens: '90' },
    { scope: 'tenant', window_kind: 'minute', requests: '2', tokens: '90' },
  ]);
  const ordered: QuotaScope = { tenantId: randomUUID(), apiKeyId: null, quotas: quotas({ requests_per_minute: 5 }) };
  const outcomes = await Promise.all(Array.from({ length: 20 }, () => outcome(a.admit(ordered, 1))));
  expect(outcomes).toEqual([...Array<string>(5).fill('admitted'), ...Array<number>(15).fill(30)]);
});

test('an adjustment goes ahead of the next admission of its tenant: a request given back is there for the call asked for right after', async () => {
  const scope: QuotaScope = { tenantId: randomUUID(), apiKeyId: null, quotas: quotas({ requests_per_minute: 1 }) };
  const [a] = ledgers();
  const first = await a.admit(scope, 5);
  // Not awaited: the caller has settled and goes on; its next call must see its request back.
  const given = a.adjust(scope.tenantId, a.release(first));
  expect(await outcome(a.admit(scope, 5))).toBe('admitted');
  await given;
  // Alone, an adjustment is written within its short delay.
  const started = Date.now();
  await a.adjust(scope.tenantId, a.settlement(first, 1));
  expect(Date.now() - started).toBeLessThan(2_000);
  expect(await counters(scope.tenantId)).toEqual([
    { scope: 'tenant', window_kind: 'day', requests: '1', tokens: '1' },
    { scope: 'tenant', window_kind: 'minute', requests: '1', tokens: '1' },
  ]);
});

test('a call larger than a limit on its own is refused without taking anything, as one that can never pass (no Retry-After)', async () => {
  const scope: QuotaScope = { tenantId: randomUUID(), apiKeyId: null, quotas: quotas({ tokens_per_day: 500 }) };
  const [a] = ledgers(at('2026-12-03T23:00:00Z'));
  await expect(a.admit(scope, 501)).rejects.toMatchObject({ code: 'VALIDATION_FAILED', reason: 'call_over_quota' });
  expect(((await a.admit(scope, 501).catch((error: unknown) => error)) as { retryAfterSeconds?: number }).retryAfterSeconds).toBeUndefined();
  expect(await counters(scope.tenantId)).toEqual([]);
});

test('a refusal by one counter takes nothing from the others; a release gives a request and its reservation back', async () => {
  const apiKeyId = randomUUID();
  const scope: QuotaScope = { tenantId: randomUUID(), apiKeyId, quotas: quotas({ api_key: { requests_per_minute: 2 } }) };
  const [a] = ledgers();
  const first = await a.admit(scope, 5);
  await a.admit(scope, 5);
  expect(await outcome(a.admit(scope, 5))).toBe(30);
  // The key has a limit per minute only: no counter of its own per day.
  expect(await counters(scope.tenantId)).toEqual([
    { scope: apiKeyId, window_kind: 'minute', requests: '2', tokens: '10' },
    { scope: 'tenant', window_kind: 'day', requests: '2', tokens: '10' },
    { scope: 'tenant', window_kind: 'minute', requests: '2', tokens: '10' },
  ]);
  await a.adjust(scope.tenantId, a.release(first));
  expect(await outcome(a.admit(scope, 5))).toBe('admitted');
});

test('API keys are limited apart from each other, tenants apart from each other', async () => {
  const tenantId = randomUUID();
  const limits = quotas({ requests_per_minute: 3, api_key: { requests_per_minute: 2 } });
  const [a, b] = ledgers();
  const key1: QuotaScope = { tenantId, apiKeyId: randomUUID(), quotas: limits };
  const key2: QuotaScope = { tenantId, apiKeyId: randomUUID(), quotas: limits };
  expect(await Promise.all([a.admit(key1, 1), b.admit(key1, 1)].map(outcome))).toEqual(['admitted', 'admitted']);
  expect(await outcome(a.admit(key1, 1))).toBe(30);
  expect(await outcome(a.admit(key2, 1))).toBe('admitted');
  // The tenant's 3 are now taken, whichever key asks.
  expect(await outcome(b.admit(key2, 1))).toBe(30);
  expect(await outcome(a.admit({ tenantId: randomUUID(), apiKeyId: null, quotas: limits }, 1))).toBe('admitted');
});

test('a new minute starts afresh, and the counters of minutes long past are purged', async () => {
  const scope: QuotaScope = { tenantId: randomUUID(), apiKeyId: null, quotas: quotas({ requests_per_minute: 1 }) };
  await ledgers(at('2026-12-03T10:00:30Z'))[0].admit(scope, 1);
  expect(await outcome(ledgers(at('2026-12-03T10:00:59Z'))[0].admit(scope, 1))).toBe(1);
  await ledgers(at('2026-12-03T10:01:00Z'))[1].admit(scope, 1);
  await ledgers(at('2026-12-03T10:05:00Z'))[1].admit(scope, 1);
  const minutes: Array<{ window_start: Date }> = await withTenant(replicaA, scope.tenantId, (manager) =>
    manager.query("SELECT window_start FROM llm_quota_counters WHERE tenant_id = $1 AND window_kind = 'minute' ORDER BY window_start", [scope.tenantId]),
  );
  expect(minutes.map((row) => row.window_start.toISOString())).toEqual(['2026-12-03T10:05:00.000Z']);
});

test('admissions, settlements and releases of several keys at once on both replicas, batched: every counter exact, none lost to a deadlock', async () => {
  const tenantId = randomUUID();
  const keys = [randomUUID(), randomUUID(), randomUUID()];
  const limits = quotas({ requests_per_minute: 90, api_key: { requests_per_minute: 40, tokens_per_day: 1_000_000 } });
  const replicas = [replicaA, replicaB].map((dataSource) => new QuotaLedger(dataSource, new QuotaRepository(), at('2026-12-03T10:00:30Z')));
  const outcomes = await Promise.all(
    Array.from({ length: 150 }, async (_, i) => {
      const side = i % 2;
      const ledger = replicas[side]!;
      const scope: QuotaScope = { tenantId, apiKeyId: keys[i % 3]!, quotas: limits };
      try {
        const admission = await ledger.admit(scope, 10);
        // One in three reaches no model and gives back; the others used 4 of their 10.
        if (i % 3 === 0) await ledger.adjust(tenantId, ledger.release(admission));
        else await ledger.adjust(tenantId, ledger.settlement(admission, 4));
        return i % 3 === 0 ? 'released' : 'settled';
      } catch (error) {
        if ((error as { code?: string }).code !== 'RATE_LIMITED') throw error;
        return 'refused';
      }
    }),
  );
  const settled = outcomes.filter((o) => o === 'settled').length;
  const tenantMinute = (await counters(tenantId)).find((row) => row.scope === 'tenant' && row.window_kind === 'minute')!;
  // Releases gave their request back, so more than the 90 were admitted in all; what stays is within the limit.
  expect(Number(tenantMinute.requests)).toBeLessThanOrEqual(90);
  expect(tenantMinute).toEqual({ scope: 'tenant', window_kind: 'minute', requests: String(settled), tokens: String(settled * 4) });
  for (const [k, key] of keys.entries()) {
    const ofKey = (await counters(tenantId)).filter((row) => row.scope === key);
    const settledOfKey = outcomes.filter((o, i) => o === 'settled' && i % 3 === k).length;
    for (const row of ofKey) expect(row).toMatchObject({ requests: String(settledOfKey), tokens: String(settledOfKey * 4) });
  }
});
