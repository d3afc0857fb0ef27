import 'reflect-metadata';
import { runService } from '@gardien/platform';
import { AppModule } from './app.module.js';
import { TenantConfigSchema } from './config.js';

await runService({
  name: 'tenant',
  configSchema: TenantConfigSchema,
  migrations: [],
  entities: [],
  module: (resources) => AppModule.register(resources),
});
