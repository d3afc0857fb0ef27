import { Module } from '@nestjs/common';
import { SigningKeysModule } from '../signing-keys/signing-keys.module.js';
import { TenantDirectoryModule } from '../tenant-directory/tenant-directory.module.js';
import { ApiKeysMessageController } from './api-keys.message.controller.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { ApiKeysService } from './api-keys.service.js';
import { OwnerApiKeys } from './owner-api-keys.js';

@Module({
  imports: [SigningKeysModule, TenantDirectoryModule],
  controllers: [ApiKeysMessageController],
  providers: [ApiKeysRepository, ApiKeysService, OwnerApiKeys],
  exports: [OwnerApiKeys],
})
export class ApiKeysModule {}
