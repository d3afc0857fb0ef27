// Brute-force protection against the machine's Postgres, as the auth runtime role.
import type { DataSource } from 'typeorm';
import { openServiceDatabase } from '@gardien/persistence';
import { ADMIN_URL, dropTestDatabases, testDatabasePrefix, waitFor } from '@gardien/testing';
import { CreateApiKeys1732580400000 } from '../migrations/1732580400000-create-api-keys.js';
import { CreateLoginThrottle1732580100000 } from '../migrations/1732580100000-create-login-throttle.js';
import { PurgeApiKeysAndLoginCounters1732580600000 } from '../migrations/1732580600000-purge-api-keys-and-login-counters.js';
import { LoginThrottleRepository } from './login-throttle.repository.js';
import { LoginThrottle } from './login-throttle.service.js';

const prefix = testDatabasePrefix();
let runtime: DataSource;
let throttle: LoginThrottle;

beforeAll(async () => {
  ({ runtime } = await openServiceDatabase({ service: 'auth', prefix, adminUrl: ADMIN_URL, migrations: [CreateLoginThrottle1732580100000, CreateApiKeys1732580400000, PurgeApiKeysAndLoginCounters1732580600000] }));
  throttle = new LoginThrottle(runtime, new LoginThrottleRepository());
});

afterAll(async () => {
  await runtime?.destroy();
  await dropTestDatabases(prefix);
});

/** Sessions of this test's database waiting for a lock held by another. */
async function lockWaiters(): Promise<number> {
  const [row]: Array<{ n: number }> = await runtime.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
  return row!.n;
}

const refusedNow = async (keys: { account: string; source: string }, now: number) => !(await throttle.reserve(keys, now)).allowed;

test('the 6th attempt on an account after 5 failures in a row is refused, for 15 minutes', async () => {
  const keys = { account: 'account:t1:index-a', source: 'source:s1' };
  let now = 1_000_000_000;
  for (let i = 0; i < 5; i++) {
    expect(await throttle.reserve(keys, now)).toEqual({ allowed: true, accountLockedNow: i === 4 });
    now += 10_000;
  }
  expect(await throttle.reserve(keys, now)).toEqual({ allowed: false, retryAfterMs: 15 * 60_000 - 10_000 });
  // Another source does not lift the account's lock.
  expect(await refusedNow({ ...keys, source: 'source:s2' }, now)).toBe(true);
  expect(await refusedNow(keys, now + 15 * 60_000)).toBe(false);
});

test('attempts racing one in flight wait for its counters and see its failure: none slips through', async () => {
  const keys = { account: 'account:t1:index-b', source: 'source:s3' };
  const at = 2_000_000_000;
  // The counters exist already, as for any account that failed once: nothing but their row locks
  // (not the wait on a row being inserted) can hold the racing attempts back.
  await throttle.reserve(keys, at - 3_600_000);
  await throttle.giveBack(keys);
  const inFlight = runtime.createQueryRunner();
  await inFlight.connect();
  await inFlight.startTransaction();
  try {
    await inFlight.query('SELECT key FROM auth_login_throttle WHERE key = ANY($1::text[]) ORDER BY key FOR UPDATE', [[keys.account, keys.source]]);
    const racers = Array.from({ length: 5 }, () => throttle.reserve(keys, at));
    // Barrier: every racer has reached the counters and waits on the attempt in flight.
    await waitFor(async () => (await lockWaiters()) >= racers.length, 10_000, 'the racing attempts to wait on the row locks');
    // The attempt in flight records its failure and commits.
    await inFlight.query('UPDATE auth_login_throttle SET failures = 1, last_failure_at = $2 WHERE key = ANY($1::text[])', [[keys.account, keys.source], new Date(at)]);
    await inFlight.commitTransaction();
    const answers = await Promise.all(racers);
    expect(answers).toEqual(racers.map(() => ({ allowed: false, retryAfterMs: 250 })));
  } finally {
    if (inFlight.isTransactionActive) await inFlight.rollbackTransaction();
    await inFlight.release();
  }
});

test('concurrent attempts on many accounts from many sources are all counted', async () => {
  const account = 'account:t1:index-burst';
  const answers = await Promise.all(Array.from({ length: 5 }, (_, i) => throttle.reserve({ account, source: `source:burst-${i}` }, 2_500_000_000 + i * 1_000)));
  // Back-off serialises them: the first passes; the others, arriving within its 250 ms, wait.
  expect(answers.filter((a) => a.allowed).length).toBeLessThan(5);
});

test('a success clears the account, and gives the source back only this attempt', async () => {
  const keys = { account: 'account:t1:index-c', source: 'source:s4' };
  await throttle.reserve({ account: 'account:t1:other', source: keys.source }, 3_000_000_000); // a failure elsewhere
  await throttle.reserve(keys, 3_000_000_500);
  await throttle.succeed(keys);
  expect(await refusedNow({ ...keys, source: 'source:fresh' }, 3_000_000_501)).toBe(false);
  const [source] = await runtime.query('SELECT failures FROM auth_login_throttle WHERE key = $1', [keys.source]);
  expect(source.failures).toBe(1); // the failure on the other account still counts
});

test('an attempt given back (no credential judged) removes only its own failure: the ones before it still lead to the lock', async () => {
  const keys = { account: 'account:t1:index-give-back', source: 'source:s-give-back' };
  let now = 3_500_000_000;
  for (let i = 0; i < 4; i++, now += 10_000) expect((await throttle.reserve(keys, now)).allowed).toBe(true);
  expect(await throttle.reserve(keys, now)).toEqual({ allowed: true, accountLockedNow: true });
  await throttle.giveBack(keys);
  now += 10_000;
  // Four failures left: the next one is the 5th, and locks.
  expect(await throttle.reserve(keys, now)).toEqual({ allowed: true, accountLockedNow: true });
  expect(await refusedNow(keys, now + 10_000)).toBe(true);
});

test('a source guessing at many accounts is locked after 20 failures', async () => {
  const source = 'source:s5';
  for (let i = 0; i < 20; i++) expect((await throttle.reserve({ account: `account:t1:guess-${i}`, source }, 4_000_000_000 + i * 10_000)).allowed).toBe(true);
  expect(await refusedNow({ account: 'account:t1:never-tried', source }, 4_000_000_000 + 20 * 10_000)).toBe(true);
});
