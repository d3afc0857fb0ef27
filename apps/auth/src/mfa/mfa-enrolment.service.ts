// Self-service TOTP enrolment for accounts whose roles do not make MFA mandatory (those get their
// secret with the account). Enrolling asks for the current password (checked and throttled as for
// a password change: a stolen access token alone cannot attach a second factor of the thief's),
// then creates a pending secret; it takes effect when a code from it is confirmed. An enrolled
// secret cannot be replaced by its holder: a stolen session must not be able to swap the second
// factor; an administrator resets it instead.
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ErrorCode, GardienError, type CallContext, type EnrolMfaRequest, type MfaEnrolment, type Principal } from '@gardien/contracts';
import { auditActorOf, withTenant } from '@gardien/persistence';
import { auditAuth } from '../audit/auth-audit.js';
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

  async enrol(caller: Principal, request: EnrolMfaRequest, context: CallContext): Promise<MfaEnrolment> {
    const session = await this.sessions.liveSessionOf(caller, 'enrols MFA');
    await this.currentPassword.prove(caller, session, request.current_password, 'mfa.enrolment-refused', context);
    const { tenantId } = session;
    const { requestId } = context;
    return withTenant(this.dataSource, tenantId, async (manager) => {
      const user = await this.users.lockById(manager, caller.id);
      if (!user) throw new GardienError(ErrorCode.Unauthenticated, 'the session is not valid');
      if (user.totp_confirmed) throw new GardienError(ErrorCode.Conflict, 'MFA is already enrolled; an administrator can reset it');
      const totp = enrolTotp(user.id);
      await this.users.setTotp(manager, user.id, await this.codec.sealTotpSecret(tenantId, user.id, totp.secret), false, new Date());
      await auditAuth(manager, { action: 'mfa.enrolment-started', tenantId, actor: auditActorOf(caller), target: { type: 'user', id: user.id }, requestId });
      return { totp_uri: totp.uri };
    });
  }

  async confirm(caller: Principal, code: string, requestId: string): Promise<void> {
    const { tenantId } = await this.sessions.liveSessionOf(caller, 'enrols MFA');
    await withTenant(this.dataSource, tenantId, async (manager) => {
      const user = await this.users.lockById(manager, caller.id);
      if (!user) throw new GardienError(ErrorCode.Unauthenticated, 'the session is not valid');
      if (user.totp_confirmed) throw new GardienError(ErrorCode.Conflict, 'MFA is already enrolled');
      const secret = await this.codec.openTotpSecret(user);
      if (!secret) throw new GardienError(ErrorCode.Conflict, 'no MFA enrolment is pending');
      const step = await acceptTotp(secret, code);
      if (step === undefined) throw new GardienError(ErrorCode.ValidationFailed, 'the code is not valid', [{ path: 'payload.totp', reason: 'invalid_code' }]);
      await this.users.confirmTotp(manager, user.id, step, new Date());
      await auditAuth(manager, { action: 'mfa.enrolled', tenantId, actor: auditActorOf(caller), target: { type: 'user', id: user.id }, requestId });
    });
  }
}
