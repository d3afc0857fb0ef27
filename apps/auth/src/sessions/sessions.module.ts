import { Module } from '@nestjs/common';
import { SessionsService } from './sessions.service.js';

/** Sessions and rotating refresh tokens, used by login, refresh and logout. */
@Module({ providers: [SessionsService], exports: [SessionsService] })
export class SessionsModule {}
