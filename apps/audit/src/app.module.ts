import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type PlatformResources } from '@gardien/platform';

@Module({})
export class AppModule {
  static register(resources: PlatformResources): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forService(resources)],
    };
  }
}
