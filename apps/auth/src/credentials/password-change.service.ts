// A user changes their own password. The current password is required and its guesses are
// throttled (CurrentPasswordCheck), the new one must differ, every other session of the account
// ends and its API keys are revoked: whoever knew the old password is logged out and keeps no key.
// Two argon2id runs, no more: checking the current password and hashing the new one (a new
// password equal to the current one is known to match the stored hash without a third). Audited
// with ids only.
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Caller, ChangePasswordRequest } from '@gardien/contracts';
import { withTenant } from '@gardien/persistence';
import { OwnerApiKeys } from '../api-keys/owner-api-keys.js';
import { authAudit } from '../auth.audit.js';
import { AuthReason, authError } from '../auth.errors.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { UsersRepository } from '../users/users.repository.js';
import { CurrentPasswordCheck } from './current-password-check.js';
import { PasswordHasher } from './password-hasher.js';

@Injectable()
export class PasswordChangeService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly currentPassword: CurrentPasswordCheck,
    private readonly sessions: SessionsService,
    private readonly apiKeys: OwnerApiKeys,
  ) {}

  async change(caller: Caller, request: ChangePasswordRequest): Promise<void> {
    const session = await this.sessions.liveSessionOf(caller.principal);
    if (request.new_password === request.current_password) {
      throw authError(AuthReason.PasswordUnchanged, { details: [{ path: 'payload.new_password', reason: 'unchanged' }] });
    }
    const user = await this.currentPassword.prove(caller, session, request.current_password, 'password.change-refused');
    const hash = await this.hasher.hash(request.new_password, caller.deadline);
    const { tenantId, sessionId } = session;
    await withTenant(this.dataSource, tenantId, async (manager) => {
      const now = new Date();
      await this.users.setPasswordHash(manager, user.id, hash, now);
      await this.sessions.revokeAllOf(manager, caller, tenantId, user.id, 'password-changed', now, sessionId);
      await this.apiKeys.revokeAll(manager, caller, { tenantId, ownerId: user.id, reason: 'password-changed' }, now);
      await authAudit.record(manager, caller, { action: 'password.changed', tenantId, targetId: user.id });
    });
  }
}
