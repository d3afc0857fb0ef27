import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { BruteForceModule } from '../brute-force/brute-force.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { UsersModule } from '../users/users.module.js';
import { CurrentPasswordCheck } from './current-password-check.js';
import { PasswordChangeMessageController } from './password-change.message.controller.js';
import { PasswordChangeService } from './password-change.service.js';

/** A user's own password change, and the check of a current password that it shares with MFA enrolment. */
@Module({
  imports: [UsersModule, BruteForceModule, SessionsModule, ApiKeysModule],
  controllers: [PasswordChangeMessageController],
  providers: [CurrentPasswordCheck, PasswordChangeService],
  exports: [CurrentPasswordCheck],
})
export class CredentialsModule {}
