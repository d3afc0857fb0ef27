import 'reflect-metadata';
import '@gardien/bootstrap/defer-date-time-format';
import { runService } from '@gardien/platform';
import { AppModule } from './app.module.js';
import { LLM_GATEWAY_DATABASE } from './database.js';
import { LlmGatewayConfigSchema } from './config.js';

await runService({
  name: 'llm-gateway',
  configSchema: LlmGatewayConfigSchema,
  database: LLM_GATEWAY_DATABASE,
  module: (resources) => AppModule.register(resources),
});
