import 'reflect-metadata';
import { runService } from '@gardien/platform';
import { AppModule } from './app.module.js';
import { AuditConfigSchema } from './config.js';

await runService({
  name: 'audit',
  configSchema: AuditConfigSchema,
  migrations: [],
  entities: [],
  module: (resources) => AppModule.register(resources),
});
