import { Module } from '@nestjs/common';
import { DeclaredRetention } from './declared-retention.js';
import { SettingsMessageController } from './settings.message.controller.js';
import { SettingsRepository } from './settings.repository.js';
import { SettingsService } from './settings.service.js';

/** Tenant settings: allowed models, quotas, retention overrides. The repository also serves tenant creation. */
@Module({
  controllers: [SettingsMessageController],
  providers: [SettingsRepository, SettingsService, DeclaredRetention],
  exports: [SettingsRepository],
})
export class SettingsModule {}
