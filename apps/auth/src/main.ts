import 'reflect-metadata';
import '@gardien/bootstrap/defer-date-time-format';
import { runService } from '@gardien/platform';
import { AppModule } from './app.module.js';
import { AUTH_DATABASE } from './database.js';
import { AuthConfigSchema } from './config.js';
import { SigningKeysService } from './signing-keys/signing-keys.service.js';

await runService({
  name: 'auth',
  configSchema: AuthConfigSchema,
  database: AUTH_DATABASE,
  module: (resources) => AppModule.register(resources),
  ownKeySet: (app) => {
    const signingKeys = app.get(SigningKeysService);
    return () => signingKeys.jwks();
  },
});
