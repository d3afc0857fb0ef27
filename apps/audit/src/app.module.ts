import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, healthMessageController, whoAmIMessageController, type PlatformResources } from '@gardien/platform';

@Module({})
export class AppModule {
  static register(resources: PlatformResources): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forService(resources)],
      controllers: [healthMessageController('audit'), whoAmIMessageController('audit')],
    };
  }
}
