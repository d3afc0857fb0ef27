// Brute-force protection of logins, per account and per source, with the policy of
// login-throttle.policy.ts. Each attempt *reserves* a failure before any credential is checked, in
// one transaction with both counters locked: concurrent attempts see each other, so a burst cannot
// test more passwords or codes than the policy allows (checking first and counting after would let
// every request of a burst through before the first failure is written). What happens next:
// - a wrong password or TOTP code: the reservation stands, it was a failure;
// - a complete successful login: the account starts afresh; the source only gets back the failure
//   reserved for this attempt (a source that guessed at other accounts stays suspect);
// - an attempt that judged no credential wrong (a right password still waiting for its code, a
//   service that did not answer): both keys get back this attempt's failure, and nothing more.
//   Never a reset there: four wrong codes and a login without a code must not start a new count.
// The caller treats an unknown account exactly as a wrong password, so that both get the same answers.
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ACCOUNT_RULE, SOURCE_RULE, afterFailure, afterGivingBack, decide, type ThrottleState } from './login-throttle.policy.js';
import { LoginThrottleRepository } from './login-throttle.repository.js';

export interface ThrottleKeys {
  /** e.g. `account:<keyed hash of tenant and email>`. */
  account: string;
  /** e.g. `source:<keyed hash of the client's network>`. */
  source: string;
}

export type Reservation =
  | { allowed: false; retryAfterMs: number }
  /** `accountLockedNow`: if this attempt fails, it is the one that locked the account (audited as a lock). */
  | { allowed: true; accountLockedNow: boolean };

@Injectable()
export class LoginThrottle {
  constructor(
    private readonly dataSource: DataSource,
    private readonly counters: LoginThrottleRepository,
  ) {}

  /** Whether an attempt may run now; if it may, it is counted as a failure until `succeed` or `giveBack`. */
  async reserve(keys: ThrottleKeys, now = Date.now()): Promise<Reservation> {
    return this.dataSource.transaction(async (manager) => {
      const { account, source } = await this.lock(manager, keys);
      const refusals = [decide(account, ACCOUNT_RULE, now), decide(source, SOURCE_RULE, now)].filter((d) => !d.allowed);
      if (refusals.length > 0) return { allowed: false, retryAfterMs: Math.max(...refusals.map((d) => (d.allowed ? 0 : d.retryAfterMs))) };
      const nextAccount = afterFailure(account, ACCOUNT_RULE, now);
      await this.counters.write(manager, keys.account, nextAccount);
      await this.counters.write(manager, keys.source, afterFailure(source, SOURCE_RULE, now));
      return { allowed: true, accountLockedNow: nextAccount.lockedUntil !== null && nextAccount.failures === ACCOUNT_RULE.lockAfter };
    });
  }

  /** The attempt was a complete, successful login: the account starts afresh, the source gets this attempt back. */
  async succeed(keys: ThrottleKeys): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const { source } = await this.lock(manager, keys);
      await this.counters.delete(manager, keys.account);
      await this.counters.write(manager, keys.source, afterGivingBack(source, SOURCE_RULE));
    });
  }

  /** The attempt judged no credential wrong: each key gets back the failure reserved for it, nothing more. */
  async giveBack(keys: ThrottleKeys): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const { account, source } = await this.lock(manager, keys);
      await this.counters.write(manager, keys.account, afterGivingBack(account, ACCOUNT_RULE));
      await this.counters.write(manager, keys.source, afterGivingBack(source, SOURCE_RULE));
    });
  }

  private async lock(manager: EntityManager, keys: ThrottleKeys): Promise<{ account: ThrottleState | undefined; source: ThrottleState | undefined }> {
    const states = await this.counters.lock(manager, [keys.account, keys.source]);
    return { account: states.get(keys.account), source: states.get(keys.source) };
  }
}
