import { Module } from '@nestjs/common';
import { SigningKeysModule } from '../signing-keys/signing-keys.module.js';
import { ServiceTokens } from './service-tokens.js';
import { TenantDirectory } from './tenant-directory.js';

/** Auth's view of the tenant service, called with auth's own service token. */
@Module({ imports: [SigningKeysModule], providers: [ServiceTokens, TenantDirectory], exports: [TenantDirectory] })
export class TenantDirectoryModule {}
