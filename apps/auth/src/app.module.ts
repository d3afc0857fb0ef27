import { Module, type DynamicModule } from '@nestjs/common';
import { BruteForceModule } from './brute-force/brute-force.module.js';
import { SessionsModule } from './sessions/sessions.module.js';
import { SigningKeysModule } from './signing-keys/signing-keys.module.js';
import { PlatformModule, healthMessageController, whoAmIMessageController, type PlatformResources } from '@gardien/platform';

@Module({})
export class AppModule {
  static register(resources: PlatformResources): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forService(resources), SigningKeysModule, BruteForceModule, SessionsModule],
      controllers: [healthMessageController('auth'), whoAmIMessageController('auth')],
    };
  }
}
