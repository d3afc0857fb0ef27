import { Module } from '@nestjs/common';
import { BruteForceModule } from '../brute-force/brute-force.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { SigningKeysModule } from '../signing-keys/signing-keys.module.js';
import { TenantDirectoryModule } from '../tenant-directory/tenant-directory.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccessTokens } from './access-tokens.js';
import { LoginMessageController } from './login.message.controller.js';
import { LoginService } from './login.service.js';

@Module({
  imports: [UsersModule, BruteForceModule, SessionsModule, SigningKeysModule, TenantDirectoryModule],
  controllers: [LoginMessageController],
  providers: [AccessTokens, LoginService],
})
export class LoginModule {}
