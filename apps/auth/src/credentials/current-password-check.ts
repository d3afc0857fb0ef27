// The proof a logged-in user gives before changing what protects the account (its password, a
// second factor): the current password. A stolen access token alone must not be enough, and its
// holder must not be able to guess the password at leisure: guesses are throttled like logins
// (reserved before the check; per account, shared by every operation that asks, and per session),
// a wrong one is audited with ids only and answered as a validation error on `current_password`.
// The counters are keyed, like the login's, by keyed hashes (the platform's blind-index key) of the
// account and the session: the throttle table names no one in clear (see its inventory entry).
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BlindIndex } from '@gardien/crypto';
import { PLATFORM_TENANT_ID, type Caller } from '@gardien/contracts';
import { withTenant } from '@gardien/persistence';
import { authAudit } from '../auth.audit.js';
import { AuthReason, authError, tooManyAttempts } from '../auth.errors.js';
import { LoginThrottle, type ThrottleKeys } from '../brute-force/login-throttle.service.js';
import type { LiveSession } from '../sessions/sessions.service.js';
import { UsersRepository, type UserRow } from '../users/users.repository.js';
import { PasswordHasher } from './password-hasher.js';

@Injectable()
export class CurrentPasswordCheck {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly blindIndex: BlindIndex,
  ) {}

  /**
   * The caller's account once `password` is proven to be its current one. `refusedAction` is the
   * audit action of a wrong guess. A check that could not run (checks saturated, the caller gone)
   * judged nothing: its reservation is given back.
   */
  async prove(caller: Caller, session: LiveSession, password: string, refusedAction: 'password.change-refused' | 'mfa.enrolment-refused'): Promise<UserRow> {
    const { tenantId, sessionId } = session;
    const { principal } = caller;
    const keys = await this.throttleKeys(principal.id, sessionId);
    const reservation = await this.throttle.reserve(keys);
    if (!reservation.allowed) throw tooManyAttempts(reservation.retryAfterMs);
    let user: UserRow | undefined;
    let proven: boolean;
    try {
      user = await withTenant(this.dataSource, tenantId, (manager) => this.users.findById(manager, principal.id));
      proven = await this.hasher.verify(user?.password_hash, password, caller.deadline);
    } catch (error) {
      await this.throttle.giveBack(keys);
      throw error;
    }
    if (!user || !proven) {
      await this.dataSource.transaction((manager) =>
        authAudit.record(manager, caller, { action: refusedAction, outcome: 'failure', tenantId, targetId: principal.id }),
      );
      throw authError(AuthReason.CurrentPasswordIncorrect, { details: [{ path: 'payload.current_password', reason: 'incorrect' }] });
    }
    await this.throttle.succeed(keys);
    return user;
  }

  private async throttleKeys(userId: string, sessionId: string): Promise<ThrottleKeys> {
    const [account, session] = await Promise.all([
      this.blindIndex.compute(PLATFORM_TENANT_ID, 'current_password_account', userId),
      this.blindIndex.compute(PLATFORM_TENANT_ID, 'current_password_session', sessionId),
    ]);
    return { account: `current-password:${account}`, source: `current-password-session:${session}` };
  }
}
