import 'reflect-metadata';
import '@gardien/bootstrap/defer-date-time-format';
import { runService } from '@gardien/platform';
import { AppModule } from './app.module.js';
import { RIGHTS_PIPELINE_DATABASE } from './database.js';
import { RightsPipelineConfigSchema } from './config.js';

await runService({
  name: 'rights-pipeline',
  configSchema: RightsPipelineConfigSchema,
  database: RIGHTS_PIPELINE_DATABASE,
  module: (resources) => AppModule.register(resources),
});
