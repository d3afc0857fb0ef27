// Self-service TOTP enrolment for accounts whose roles do not make MFA mandatory (those get their
// secret with the account). Enrolling asks for the current password (checked and throttled as for
// a password change: a stolen access token alone cannot attach a second factor of the thief's),
// then creates a pending secret; it takes effect when a code from it is confirmed. An enrolled
// secret cannot be replaced by its holder: a stolen session must not be able to swap the second
// factor; an administrator resets it instead.
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Caller, EnrolMfaRequest, MfaEnrolment } from '@gardien/contracts';
import { withTenant } from '@gardien/persistence';
import { authAudit } from '../auth.audit.js';
import { AuthReason, authError } from '../auth.errors.js';
import { CurrentPasswordCheck } from '../credentials/current-password-check.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { UserCodec } from '../users/user-codec.js';
import { UsersRepository } from '../users/users.repository.js';
import { acceptTotp, enrolTotp } from './totp.js';

@Injectable()
export class MfaEnrolmentService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly codec: UserCodec,
    private readonly sessions: SessionsService,
    private readonly currentPassword: CurrentPasswordCheck,
  ) {}

  async enrol(caller: Caller, request: EnrolMfaRequest): Promise<MfaEnrolment> {
    const session = await this.sessions.liveSessionOf(caller.principal);
    await this.currentPassword.prove(caller, session, request.current_password, 'mfa.enrolment-refused');
    const { tenantId } = session;
    const { principal } = caller;
    return withTenant(this.dataSource, tenantId, async (manager) => {
      const user = await this.users.lockById(manager, principal.id);
      if (!user) throw authError(AuthReason.SessionInvalid);
      if (user.totp_confirmed) throw authError(AuthReason.MfaAlreadyEnrolled);
      const totp = enrolTotp(user.id);
      await this.users.setTotp(manager, user.id, await this.codec.sealTotpSecret(tenantId, user.id, totp.secret), false, new Date());
      await authAudit.record(manager, caller, { action: 'mfa.enrolment-started', tenantId, targetId: user.id });
      return { totp_uri: totp.uri };
    });
  }

  async confirm(caller: Caller, code: string): Promise<void> {
    const { principal } = caller;
    const { tenantId } = await this.sessions.liveSessionOf(principal);
    await withTenant(this.dataSource, tenantId, async (manager) => {
      const user = await this.users.lockById(manager, principal.id);
      if (!user) throw authError(AuthReason.SessionInvalid);
      if (user.totp_confirmed) throw authError(AuthReason.MfaAlreadyEnrolled);
      const secret = await this.codec.openTotpSecret(user);
      if (!secret) throw authError(AuthReason.MfaEnrolmentNotPending);
      const step = await acceptTotp(secret, code);
      if (step === undefined) throw authError(AuthReason.InvalidTotpCode, { details: [{ path: 'payload.totp', reason: 'invalid_code' }] });
      await this.users.confirmTotp(manager, user.id, step, new Date());
      await authAudit.record(manager, caller, { action: 'mfa.enrolled', tenantId, targetId: user.id });
    });
  }
}
