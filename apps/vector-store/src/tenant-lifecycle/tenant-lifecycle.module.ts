import { Module } from '@nestjs/common';
import { TenantDeletionListener } from './tenant-deletion.listener.js';
import { VectorTenantErasure } from './tenant-erasure.service.js';

/** The vector store's part in a tenant's deletion: its erasure, asked by `tenant.deleted`. */
@Module({ providers: [VectorTenantErasure, TenantDeletionListener] })
export class TenantLifecycleModule {}
