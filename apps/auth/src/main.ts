import 'reflect-metadata';
import { runService } from '@gardien/platform';
import { AppModule } from './app.module.js';
import { AuthConfigSchema } from './config.js';
import { AUTH_MIGRATIONS } from './migrations/index.js';
import { SESSION_RETENTION } from './sessions/session-retention.js';

await runService({
  name: 'auth',
  configSchema: AuthConfigSchema,
  migrations: AUTH_MIGRATIONS,
  entities: [],
  retention: [SESSION_RETENTION],
  module: (resources) => AppModule.register(resources),
});
