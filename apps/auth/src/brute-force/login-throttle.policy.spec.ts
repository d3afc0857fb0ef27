import { ACCOUNT_RULE, afterFailure, afterGivingBack, decide, type ThrottleState } from './login-throttle.policy.js';

function failures(count: number, start = 0, gapMs = 10_000): ThrottleState | undefined {
  let state: ThrottleState | undefined;
  for (let i = 0; i < count; i++) state = afterFailure(state, ACCOUNT_RULE, start + i * gapMs);
  return state;
}

test('no failures: allowed', () => {
  expect(decide(undefined, ACCOUNT_RULE, 0)).toEqual({ allowed: true });
});

test('each failure doubles the wait before the next attempt', () => {
  expect(decide(failures(1), ACCOUNT_RULE, 100)).toEqual({ allowed: false, retryAfterMs: 150 });
  expect(decide(failures(1), ACCOUNT_RULE, 250)).toEqual({ allowed: true });
  const three = failures(3)!;
  expect(decide(three, ACCOUNT_RULE, three.lastFailureAt + 999)).toEqual({ allowed: false, retryAfterMs: 1 });
  expect(decide(three, ACCOUNT_RULE, three.lastFailureAt + 1_000)).toEqual({ allowed: true });
});

test('after 5 failures in a row the 6th attempt is refused, whatever the password, until the lock ends', () => {
  const five = failures(5)!;
  expect(five.lockedUntil).toBe(five.lastFailureAt + 15 * 60_000);
  expect(decide(five, ACCOUNT_RULE, five.lastFailureAt + 60_000)).toEqual({ allowed: false, retryAfterMs: 14 * 60_000 });
  expect(decide(five, ACCOUNT_RULE, five.lockedUntil!)).toEqual({ allowed: true });
  // A failure after the lock ran out starts counting again.
  expect(afterFailure(five, ACCOUNT_RULE, five.lockedUntil! + 1).failures).toBe(1);
});

test('four failures do not lock', () => {
  expect(failures(4)!.lockedUntil).toBeNull();
});

test('failures count in a row within 15 minutes: older ones are forgotten', () => {
  const four = failures(4)!;
  expect(afterFailure(four, ACCOUNT_RULE, four.lastFailureAt + 10 * 60_000)).toMatchObject({ failures: 5, lockedUntil: expect.any(Number) });
  expect(afterFailure(four, ACCOUNT_RULE, four.lastFailureAt + 16 * 60_000)).toEqual({ failures: 1, lastFailureAt: four.lastFailureAt + 16 * 60_000, lockedUntil: null });
});

test('giving an attempt back removes its failure only: earlier failures and their lock stay counted', () => {
  const five = failures(5)!;
  // The reservation that made the 5th failure is given back: 4 left, no lock.
  expect(afterGivingBack(five, ACCOUNT_RULE)).toEqual({ failures: 4, lastFailureAt: five.lastFailureAt, lockedUntil: null });
  // A 6th reservation given back leaves the lock of the five before it.
  const six = { ...five, failures: 6 };
  expect(afterGivingBack(six, ACCOUNT_RULE)).toEqual({ failures: 5, lastFailureAt: five.lastFailureAt, lockedUntil: five.lockedUntil });
  expect(afterGivingBack(failures(1), ACCOUNT_RULE)).toMatchObject({ failures: 0, lockedUntil: null });
  expect(afterGivingBack(undefined, ACCOUNT_RULE)).toBeUndefined();
  // With nothing left, the next attempt is allowed at once.
  expect(decide(afterGivingBack(failures(1), ACCOUNT_RULE), ACCOUNT_RULE, 1)).toEqual({ allowed: true });
});
