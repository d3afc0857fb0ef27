import 'reflect-metadata';
import { runService } from '@gardien/platform';
import { AppModule } from './app.module.js';
import { AuthConfigSchema } from './config.js';
import { CreateSigningKeys1732580000000 } from './migrations/1732580000000-create-signing-keys.js';
import { CreateLoginThrottle1732580100000 } from './migrations/1732580100000-create-login-throttle.js';
import { CreateSessions1732580200000 } from './migrations/1732580200000-create-sessions.js';

await runService({
  name: 'auth',
  configSchema: AuthConfigSchema,
  migrations: [CreateSigningKeys1732580000000, CreateLoginThrottle1732580100000, CreateSessions1732580200000],
  entities: [],
  module: (resources) => AppModule.register(resources),
});
