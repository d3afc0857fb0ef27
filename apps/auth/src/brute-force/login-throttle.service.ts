// Brute-force protection of logins, per account and per source, with the policy of
// login-throttle.policy.ts. Each attempt *reserves* a failure before the password is checked, in
// one transaction with both rows locked: concurrent attempts see each other, so a burst cannot
// test more passwords than the policy allows (checking first and counting after would let every
// request of a burst through before the first failure is written). A success gives the
// reservation back: the account starts afresh; the source only loses the failure reserved for
// this attempt (a source that guessed at other accounts stays suspect; its back-off then runs from
// this attempt, a small cost for an address that failed recently). The caller treats an
// unknown account exactly as a wrong password, so that both get the same answers.
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { RETENTION_MAXIMA_DAYS } from '@gardien/contracts';
import { ACCOUNT_RULE, SOURCE_RULE, afterFailure, decide, type ThrottleRule, type ThrottleState } from './login-throttle.policy.js';

export interface ThrottleKeys {
  /** e.g. `account:<keyed hash of tenant and email>`. */
  account: string;
  /** e.g. `source:<keyed hash of the client address>`. */
  source: string;
}

export type Reservation =
  | { allowed: false; retryAfterMs: number }
  /** `accountLockedNow`: if this attempt fails, it is the one that locked the account (audited as a lock). */
  | { allowed: true; accountLockedNow: boolean };

interface Row {
  key: string;
  failures: number;
  last_failure_at: Date | null;
  locked_until: Date | null;
}

/** How long a counter is kept after its last failure (declared as `auth.login-throttle`). */
export const THROTTLE_RETENTION_DAYS = RETENTION_MAXIMA_DAYS['auth.login-throttle']!;

@Injectable()
export class LoginThrottle {
  constructor(private readonly dataSource: DataSource) {}

  /** Whether an attempt may run now; if it may, it is counted as a failure until `release`. */
  async reserve(keys: ThrottleKeys, now = Date.now()): Promise<Reservation> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('INSERT INTO auth_login_throttle (key) VALUES ($1), ($2) ON CONFLICT (key) DO NOTHING', [keys.account, keys.source]);
      // Rows locked in key order everywhere, so that two attempts never wait for each other in a cycle.
      const rows: Row[] = await manager.query(
        'SELECT key, failures, last_failure_at, locked_until FROM auth_login_throttle WHERE key = ANY($1::text[]) ORDER BY key FOR UPDATE',
        [[keys.account, keys.source]],
      );
      const account = toState(rows.find((r) => r.key === keys.account));
      const source = toState(rows.find((r) => r.key === keys.source));
      const refusals = [decide(account, ACCOUNT_RULE, now), decide(source, SOURCE_RULE, now)].filter((d) => !d.allowed);
      if (refusals.length > 0) return { allowed: false, retryAfterMs: Math.max(...refusals.map((d) => (d.allowed ? 0 : d.retryAfterMs))) };
      const nextAccount = await this.count(manager, keys.account, account, ACCOUNT_RULE, now);
      await this.count(manager, keys.source, source, SOURCE_RULE, now);
      return { allowed: true, accountLockedNow: nextAccount.lockedUntil !== null && nextAccount.failures === ACCOUNT_RULE.lockAfter };
    });
  }

  /** The attempt succeeded (or never got to check a credential): its reserved failure is given back. */
  async release(keys: ThrottleKeys): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query('DELETE FROM auth_login_throttle WHERE key = $1', [keys.account]);
      await manager.query(
        `UPDATE auth_login_throttle
            SET failures = greatest(failures - 1, 0),
                locked_until = CASE WHEN failures - 1 >= $2 THEN locked_until ELSE NULL END
          WHERE key = $1`,
        [keys.source, SOURCE_RULE.lockAfter],
      );
    });
  }

  /**
   * Forgets counters that no longer matter: no lock running and no failure for a day (the
   * declared retention of `auth.login-throttle`). They are keyed hashes of addresses and emails:
   * personal data all the same, kept no longer than they protect anyone.
   */
  async forgetStale(now = Date.now()): Promise<number> {
    const result: [unknown[], number] = await this.dataSource.query(
      `DELETE FROM auth_login_throttle
        WHERE (locked_until IS NULL OR locked_until < $1)
          AND (failures = 0 OR last_failure_at IS NULL OR last_failure_at < $1 - make_interval(days => $2))`,
      [new Date(now), THROTTLE_RETENTION_DAYS],
    );
    return result[1];
  }

  private async count(manager: EntityManager, key: string, state: ThrottleState | undefined, rule: ThrottleRule, now: number): Promise<ThrottleState> {
    const next = afterFailure(state, rule, now);
    await manager.query('UPDATE auth_login_throttle SET failures = $2, last_failure_at = $3, locked_until = $4 WHERE key = $1', [
      key,
      next.failures,
      new Date(next.lastFailureAt),
      next.lockedUntil === null ? null : new Date(next.lockedUntil),
    ]);
    return next;
  }
}

function toState(row: Row | undefined): ThrottleState | undefined {
  if (!row || row.failures === 0 || !row.last_failure_at) return undefined;
  return { failures: row.failures, lastFailureAt: row.last_failure_at.getTime(), lockedUntil: row.locked_until ? row.locked_until.getTime() : null };
}
