import { Module } from '@nestjs/common';
import { TenantDirectoryModule } from '../tenant-directory/tenant-directory.module.js';
import { UsersModule } from '../users/users.module.js';
import { BootstrapMessageController } from './bootstrap.message.controller.js';
import { BootstrapService } from './bootstrap.service.js';

@Module({ imports: [UsersModule, TenantDirectoryModule], controllers: [BootstrapMessageController], providers: [BootstrapService] })
export class BootstrapModule {}
