import 'reflect-metadata';
import '@gardien/bootstrap/defer-date-time-format';
import { runService } from '@gardien/platform';
import { AppModule } from './app.module.js';
import { TENANT_DATABASE } from './database.js';
import { TenantConfigSchema } from './config.js';

await runService({
  name: 'tenant',
  configSchema: TenantConfigSchema,
  database: TENANT_DATABASE,
  module: (resources) => AppModule.register(resources),
});
