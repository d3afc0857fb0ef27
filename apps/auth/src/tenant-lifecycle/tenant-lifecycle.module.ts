import { Module } from '@nestjs/common';
import { TenantDeletionListener } from './tenant-deletion.listener.js';
import { TenantErasureRepository } from './tenant-erasure.repository.js';
import { TenantErasureService } from './tenant-erasure.service.js';

/** What auth does when a tenant's life ends elsewhere: erases what it holds of the tenant. */
@Module({ providers: [TenantErasureRepository, TenantErasureService, TenantDeletionListener] })
export class TenantLifecycleModule {}
