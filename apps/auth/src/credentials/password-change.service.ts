// A user changes their own password. The current password is required (a stolen access token
// alone cannot take the account over), its guesses are throttled like logins (reserved before the
// check, 5 in a row lock it for 15 min), the new one must differ, and every other session of the
// account ends: whoever knew the old password is logged out. Audited with ids only.
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ErrorCode, GardienError, type ChangePasswordRequest, type Principal } from '@gardien/contracts';
import { auditActorOf, withTenant } from '@gardien/persistence';
import { auditAuth } from '../audit/auth-audit.js';
import { tooManyAttempts } from '../auth.errors.js';
import { LoginThrottle, type ThrottleKeys } from '../brute-force/login-throttle.service.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { UsersRepository } from '../users/users.repository.js';
import { PasswordHasher } from './password-hasher.js';

@Injectable()
export class PasswordChangeService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly sessions: SessionsService,
  ) {}

  async change(caller: Principal, request: ChangePasswordRequest, requestId: string): Promise<void> {
    const { tenantId, sessionId } = await this.sessions.liveSessionOf(caller, 'changes a password');
    const keys: ThrottleKeys = { account: `password-change:${caller.id}`, source: `password-change-session:${sessionId}` };
    const reservation = await this.throttle.reserve(keys);
    if (!reservation.allowed) throw tooManyAttempts(reservation.retryAfterMs);
    const user = await withTenant(this.dataSource, tenantId, (manager) => this.users.findById(manager, caller.id));
    if (!user || !(await this.hasher.verify(user.password_hash, request.current_password))) {
      await this.dataSource.transaction((manager) =>
        auditAuth(manager, { action: 'password.change-refused', outcome: 'failure', tenantId, actor: auditActorOf(caller), target: { type: 'user', id: caller.id }, requestId }),
      );
      throw new GardienError(ErrorCode.ValidationFailed, 'the current password is not right', [{ path: 'payload.current_password', reason: 'incorrect' }]);
    }
    await this.throttle.succeed(keys);
    if (await this.hasher.verify(user.password_hash, request.new_password)) {
      throw new GardienError(ErrorCode.ValidationFailed, 'the new password must differ from the current one', [{ path: 'payload.new_password', reason: 'unchanged' }]);
    }
    const hash = await this.hasher.hash(request.new_password);
    await withTenant(this.dataSource, tenantId, async (manager) => {
      await this.users.setPasswordHash(manager, user.id, hash, new Date());
      await this.sessions.revokeAllOf(manager, tenantId, user.id, new Date(), sessionId);
      await auditAuth(manager, { action: 'password.changed', tenantId, actor: auditActorOf(caller), target: { type: 'user', id: user.id }, requestId });
    });
  }
}
