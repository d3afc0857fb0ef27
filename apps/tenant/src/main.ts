import 'reflect-metadata';
import { runService } from '@gardien/platform';
import { AppModule } from './app.module.js';
import { TenantConfigSchema } from './config.js';
import { TENANT_MIGRATIONS } from './migrations/index.js';

await runService({
  name: 'tenant',
  configSchema: TenantConfigSchema,
  migrations: TENANT_MIGRATIONS,
  entities: [],
  module: (resources) => AppModule.register(resources),
});
