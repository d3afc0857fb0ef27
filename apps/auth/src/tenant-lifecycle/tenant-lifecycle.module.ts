import { Module } from '@nestjs/common';
import { DURABLE_CONSUMERS } from '@gardien/contracts';
import { tenantDeletionListener } from '@gardien/platform';
import { TenantErasureRepository } from './tenant-erasure.repository.js';
import { TenantErasureService } from './tenant-erasure.service.js';

/** What auth does when a tenant's life ends elsewhere: erases what it holds of the tenant. */
@Module({ providers: [TenantErasureRepository, TenantErasureService, tenantDeletionListener(DURABLE_CONSUMERS.auth.tenantDeleted, TenantErasureService)] })
export class TenantLifecycleModule {}
