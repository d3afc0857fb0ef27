import { Module } from '@nestjs/common';
import { DURABLE_CONSUMERS } from '@gardien/contracts';
import { tenantDeletionListener } from '@gardien/platform';
import { VectorTenantErasure } from './tenant-erasure.service.js';

/** The vector store's part in a tenant's deletion: its erasure, asked by `tenant.deleted`. */
@Module({ providers: [VectorTenantErasure, tenantDeletionListener(DURABLE_CONSUMERS['vector-store'].tenantDeleted, VectorTenantErasure)] })
export class TenantLifecycleModule {}
