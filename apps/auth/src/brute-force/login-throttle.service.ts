// Brute-force protection of logins, per account and per source, with the policy of
// login-throttle.policy.ts. An attempt is allowed only if both keys allow it; a failure counts
// against both; a success clears the account's count (not the source's: a source that guessed at
// other accounts stays suspect). The caller records a failure for an unknown account exactly as for
// a wrong password, so that both get the same answers.
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ACCOUNT_RULE, SOURCE_RULE, afterFailure, decide, type ThrottleDecision, type ThrottleRule, type ThrottleState } from './login-throttle.policy.js';

export interface ThrottleKeys {
  /** e.g. `account:<tenant id>:<email blind index>`. */
  account: string;
  /** e.g. `source:<keyed hash of the client address>`. */
  source: string;
}

/** Whether this failure is the one that locked the account (audited as a lock). */
export interface FailureOutcome {
  accountLockedNow: boolean;
}

interface Row {
  failures: number;
  last_failure_at: Date | null;
  locked_until: Date | null;
}

@Injectable()
export class LoginThrottle {
  constructor(private readonly dataSource: DataSource) {}

  async check(keys: ThrottleKeys, now = Date.now()): Promise<ThrottleDecision> {
    const rows: Array<Row & { key: string }> = await this.dataSource.query(
      'SELECT key, failures, last_failure_at, locked_until FROM auth_login_throttle WHERE key = ANY($1::text[])',
      [[keys.account, keys.source]],
    );
    const decisions = [
      decide(toState(rows.find((r) => r.key === keys.account)), ACCOUNT_RULE, now),
      decide(toState(rows.find((r) => r.key === keys.source)), SOURCE_RULE, now),
    ];
    const refused = decisions.filter((d): d is { allowed: false; retryAfterMs: number } => !d.allowed);
    return refused.length === 0 ? { allowed: true } : { allowed: false, retryAfterMs: Math.max(...refused.map((d) => d.retryAfterMs)) };
  }

  /**
   * Counts one failure against both keys in one transaction, in which `audit` (if given) records
   * the failure, so that the counter and its audit entry commit together. Tells whether the account
   * is now locked.
   */
  async recordFailure(keys: ThrottleKeys, now = Date.now(), audit?: (manager: EntityManager, outcome: FailureOutcome) => Promise<void>): Promise<FailureOutcome> {
    return this.dataSource.transaction(async (manager) => {
      const account = await this.fail(manager, keys.account, ACCOUNT_RULE, now);
      await this.fail(manager, keys.source, SOURCE_RULE, now);
      const outcome: FailureOutcome = { accountLockedNow: account.lockedUntil !== null && account.failures === ACCOUNT_RULE.lockAfter };
      await audit?.(manager, outcome);
      return outcome;
    });
  }

  async recordSuccess(keys: ThrottleKeys): Promise<void> {
    await this.dataSource.query('DELETE FROM auth_login_throttle WHERE key = $1', [keys.account]);
  }

  /** Counts one failure under `key`, serialised with concurrent failures on the same key (row lock). */
  private async fail(manager: EntityManager, key: string, rule: ThrottleRule, now: number): Promise<ThrottleState> {
    await manager.query('INSERT INTO auth_login_throttle (key) VALUES ($1) ON CONFLICT (key) DO NOTHING', [key]);
    const [row]: Row[] = await manager.query('SELECT failures, last_failure_at, locked_until FROM auth_login_throttle WHERE key = $1 FOR UPDATE', [key]);
    const next = afterFailure(toState(row), rule, now);
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
