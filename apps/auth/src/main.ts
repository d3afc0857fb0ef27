import 'reflect-metadata';
import { runService } from '@gardien/platform';
import { AppModule } from './app.module.js';
import { AuthConfigSchema } from './config.js';

await runService({
  name: 'auth',
  configSchema: AuthConfigSchema,
  migrations: [],
  entities: [],
  module: (resources) => AppModule.register(resources),
});
