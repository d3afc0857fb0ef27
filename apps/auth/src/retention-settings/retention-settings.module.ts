import { Module } from '@nestjs/common';
import { TenantDirectoryModule } from '../tenant-directory/tenant-directory.module.js';
import { SettingsUpdateListener } from './settings-update.listener.js';
import { TenantRetentionSettings } from './tenant-retention-settings.js';

/** Tenants' retention overrides of auth's categories, applied when their settings change. */
@Module({ imports: [TenantDirectoryModule], providers: [TenantRetentionSettings, SettingsUpdateListener] })
export class RetentionSettingsModule {}
