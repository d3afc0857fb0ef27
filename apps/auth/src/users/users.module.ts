import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { PasswordHasher } from '../credentials/password-hasher.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { TenantDirectoryModule } from '../tenant-directory/tenant-directory.module.js';
import { NewAccountFactory } from './new-account.js';
import { UserAccountsService } from './user-accounts.service.js';
import { UserCodec } from './user-codec.js';
import { UsersMessageController } from './users.message.controller.js';
import { UsersRepository } from './users.repository.js';

/** Accounts of a tenant and their roles; the repository, codec and factory are shared with login, MFA and bootstrap. */
@Module({
  imports: [SessionsModule, ApiKeysModule, TenantDirectoryModule],
  controllers: [UsersMessageController],
  providers: [PasswordHasher, UsersRepository, UserCodec, NewAccountFactory, UserAccountsService],
  exports: [PasswordHasher, UsersRepository, UserCodec, NewAccountFactory],
})
export class UsersModule {}
