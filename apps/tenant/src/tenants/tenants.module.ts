import { Module } from '@nestjs/common';
import { SettingsModule } from '../settings/settings.module.js';
import { TenantKeys } from './tenant-keys.js';
import { TenantsMessageController } from './tenants.message.controller.js';
import { TenantsRepository } from './tenants.repository.js';
import { TenantsService } from './tenants.service.js';

/** Tenants and their lifecycle; tenant creation writes the default settings. */
@Module({
  imports: [SettingsModule],
  controllers: [TenantsMessageController],
  providers: [TenantsRepository, TenantKeys, TenantsService],
  exports: [TenantsRepository],
})
export class TenantsModule {}
