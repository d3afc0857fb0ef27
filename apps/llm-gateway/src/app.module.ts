import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type PlatformResources } from '@gardien/platform';
import { ModelCallsModule } from './model-calls.module.js';

@Module({})
export class AppModule {
  static register(resources: PlatformResources): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forService(resources), ModelCallsModule],
    };
  }
}
