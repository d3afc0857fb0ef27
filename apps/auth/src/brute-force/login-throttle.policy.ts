// When a login may be attempted, from the failures counted so far under a key (an account, or a
// source). Each failure doubles the wait before the next attempt (exponential back-off); after
// `lockAfter` failures in a row the key is locked for `lockFor`, whatever the credentials then
// given: the 6th wrong password or TOTP code in a row on an account is refused even if it is right.
export interface ThrottleState {
  failures: number;
  lastFailureAt: number;
  lockedUntil: number | null;
}

export interface ThrottleRule {
  lockAfter: number;
  lockForMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Per account: a user who mistypes a few times waits seconds; a guesser is stopped at 5. */
export const ACCOUNT_RULE: ThrottleRule = { lockAfter: 5, lockForMs: 15 * 60_000, baseDelayMs: 250, maxDelayMs: 8_000 };
/** Per source: higher, since several people may share an address (office, NAT). */
export const SOURCE_RULE: ThrottleRule = { lockAfter: 20, lockForMs: 15 * 60_000, baseDelayMs: 100, maxDelayMs: 4_000 };

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

export function decide(state: ThrottleState | undefined, rule: ThrottleRule, now: number): ThrottleDecision {
  if (!state || state.failures === 0) return { allowed: true };
  if (state.lockedUntil !== null && now < state.lockedUntil) return { allowed: false, retryAfterMs: state.lockedUntil - now };
  if (state.lockedUntil !== null) return { allowed: true }; // the lock has run out
  const wait = Math.min(rule.baseDelayMs * 2 ** (state.failures - 1), rule.maxDelayMs);
  const earliest = state.lastFailureAt + wait;
  return now < earliest ? { allowed: false, retryAfterMs: earliest - now } : { allowed: true };
}

/**
 * The state after one more failure. A lock that has run out starts a fresh count, and so does a
 * failure coming more than `lockForMs` after the previous one: failures count "in a row" within
 * that window, so that an office's occasional typos over weeks never add up to a lock.
 */
export function afterFailure(state: ThrottleState | undefined, rule: ThrottleRule, now: number): ThrottleState {
  const expired = state?.lockedUntil !== null && state?.lockedUntil !== undefined && now >= state.lockedUntil;
  const stale = state !== undefined && now - state.lastFailureAt > rule.lockForMs;
  const failures = (expired || stale ? 0 : (state?.failures ?? 0)) + 1;
  return { failures, lastFailureAt: now, lockedUntil: failures >= rule.lockAfter ? now + rule.lockForMs : null };
}

/**
 * The state once an attempt gives its reserved failure back because it judged no credential wrong
 * (a right password still waiting for its TOTP code, a service that did not answer): one failure
 * less, and a lock only if the failures left still reach it. Never a fresh start: only a complete
 * successful login clears an account. The last failure's time stays, so the back-off of the
 * failures left runs from this attempt.
 */
export function afterGivingBack(state: ThrottleState | undefined, rule: ThrottleRule): ThrottleState | undefined {
  if (!state) return undefined;
  const failures = Math.max(state.failures - 1, 0);
  return { failures, lastFailureAt: state.lastFailureAt, lockedUntil: failures >= rule.lockAfter ? state.lockedUntil : null };
}
