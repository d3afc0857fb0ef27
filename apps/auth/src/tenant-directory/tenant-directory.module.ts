import { Module } from '@nestjs/common';
import { TokensModule } from '../tokens/tokens.module.js';
import { TenantDirectory } from './tenant-directory.js';

/** Auth's view of the tenant service, called with auth's own service token (or a caller's, re-issued). */
@Module({ imports: [TokensModule], providers: [TenantDirectory], exports: [TenantDirectory] })
export class TenantDirectoryModule {}
