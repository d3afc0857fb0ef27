import { Module } from '@nestjs/common';
import { TenantDirectoryModule } from '../tenant-directory/tenant-directory.module.js';
import { UsersModule } from '../users/users.module.js';
import { BootstrapListener } from './bootstrap.listener.js';
import { BootstrapService } from './bootstrap.service.js';

@Module({ imports: [UsersModule, TenantDirectoryModule], providers: [BootstrapService, BootstrapListener] })
export class BootstrapModule {}
