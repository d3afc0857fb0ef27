import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type PlatformResources } from '@gardien/platform';
import { ApiKeysModule } from './api-keys/api-keys.module.js';
import { BootstrapModule } from './bootstrap/bootstrap.module.js';
import { CredentialsModule } from './credentials/credentials.module.js';
import { LoginModule } from './login/login.module.js';
import { MfaModule } from './mfa/mfa.module.js';
import { RetentionSettingsModule } from './retention-settings/retention-settings.module.js';
import { SigningKeysModule } from './signing-keys/signing-keys.module.js';
import { TenantLifecycleModule } from './tenant-lifecycle/tenant-lifecycle.module.js';
import { UsersModule } from './users/users.module.js';

@Module({})
export class AppModule {
  static register(resources: PlatformResources): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forService(resources), SigningKeysModule, LoginModule, MfaModule, UsersModule, ApiKeysModule, BootstrapModule, CredentialsModule, TenantLifecycleModule, RetentionSettingsModule],
    };
  }
}
