import 'reflect-metadata';
import { runService } from '@gardien/platform';
import { AppModule } from './app.module.js';
import { LlmGatewayConfigSchema } from './config.js';

await runService({
  name: 'llm-gateway',
  configSchema: LlmGatewayConfigSchema,
  migrations: [],
  entities: [],
  module: (resources) => AppModule.register(resources),
});
