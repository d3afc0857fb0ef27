import { Module } from '@nestjs/common';
import { SessionsRepository } from './sessions.repository.js';
import { SessionsService } from './sessions.service.js';

/** Sessions and rotating refresh tokens, used by login, refresh and logout. */
@Module({ providers: [SessionsRepository, SessionsService], exports: [SessionsService] })
export class SessionsModule {}
