import 'reflect-metadata';
import { runService } from '@gardien/platform';
import { AppModule } from './app.module.js';
import { RightsPipelineConfigSchema } from './config.js';

await runService({
  name: 'rights-pipeline',
  configSchema: RightsPipelineConfigSchema,
  migrations: [],
  entities: [],
  module: (resources) => AppModule.register(resources),
});
