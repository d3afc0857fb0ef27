import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type PlatformResources } from '@gardien/platform';
import { ModelPolicyModule } from './model-policy/model-policy.module.js';
import { PurposesModule } from './purposes/purposes.module.js';
import { SettingsModule } from './settings/settings.module.js';
import { TenantsModule } from './tenants/tenants.module.js';

@Module({})
export class AppModule {
  static register(resources: PlatformResources): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forService(resources), TenantsModule, SettingsModule, PurposesModule, ModelPolicyModule],
    };
  }
}
