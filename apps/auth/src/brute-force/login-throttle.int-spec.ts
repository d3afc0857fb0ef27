// Brute-force protection against the machine's Postgres, as the auth runtime role.
import type { DataSource } from 'typeorm';
import { openServiceDatabase } from '@gardien/persistence';
import { ADMIN_URL, dropTestDatabases, testDatabasePrefix } from '@gardien/testing';
import { CreateLoginThrottle1732580100000 } from '../migrations/1732580100000-create-login-throttle.js';
import { LoginThrottle } from './login-throttle.service.js';

const prefix = testDatabasePrefix();
let runtime: DataSource;
let throttle: LoginThrottle;

beforeAll(async () => {
  ({ runtime } = await openServiceDatabase({ service: 'auth', prefix, adminUrl: ADMIN_URL, migrations: [CreateLoginThrottle1732580100000] }));
  throttle = new LoginThrottle(runtime);
});

afterAll(async () => {
  await runtime?.destroy();
  await dropTestDatabases(prefix);
});

test('the 6th attempt on an account after 5 failures in a row is refused, for 15 minutes', async () => {
  const keys = { account: 'account:t1:index-a', source: 'source:s1' };
  let now = 1_000_000_000;
  for (let i = 0; i < 5; i++) {
    expect(await throttle.check(keys, now)).toEqual({ allowed: true });
    await throttle.recordFailure(keys, now);
    now += 10_000;
  }
  expect(await throttle.check(keys, now)).toEqual({ allowed: false, retryAfterMs: 15 * 60_000 - 10_000 });
  // Another source does not lift the account's lock.
  expect((await throttle.check({ ...keys, source: 'source:s2' }, now)).allowed).toBe(false);
  expect((await throttle.check(keys, now + 15 * 60_000)).allowed).toBe(true);
});

test('concurrent failures are all counted', async () => {
  const keys = { account: 'account:t1:index-b', source: 'source:s3' };
  await Promise.all(Array.from({ length: 5 }, () => throttle.recordFailure(keys, 2_000_000_000)));
  expect((await throttle.check(keys, 2_000_000_000 + 60_000)).allowed).toBe(false);
});

test('a success clears the account, not the source', async () => {
  const keys = { account: 'account:t1:index-c', source: 'source:s4' };
  await throttle.recordFailure(keys, 3_000_000_000);
  await throttle.recordSuccess(keys);
  expect(await throttle.check({ ...keys, source: 'source:fresh' }, 3_000_000_001)).toEqual({ allowed: true });
  expect((await throttle.check(keys, 3_000_000_001)).allowed).toBe(false); // the source still waits its back-off
});

test('a source guessing at many accounts is locked after 20 failures', async () => {
  const source = 'source:s5';
  for (let i = 0; i < 20; i++) await throttle.recordFailure({ account: `account:t1:guess-${i}`, source }, 4_000_000_000 + i * 10_000);
  expect((await throttle.check({ account: 'account:t1:never-tried', source }, 4_000_000_000 + 20 * 10_000)).allowed).toBe(false);
});
