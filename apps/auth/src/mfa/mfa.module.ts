import { Module } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { UsersModule } from '../users/users.module.js';
import { MfaEnrolmentService } from './mfa-enrolment.service.js';
import { MfaMessageController } from './mfa.message.controller.js';

@Module({ imports: [UsersModule, SessionsModule, CredentialsModule], controllers: [MfaMessageController], providers: [MfaEnrolmentService] })
export class MfaModule {}
