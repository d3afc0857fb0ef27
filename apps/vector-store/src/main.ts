import 'reflect-metadata';
import '@gardien/bootstrap/defer-date-time-format';
import { runService } from '@gardien/platform';
import { AppModule } from './app.module.js';
import { VECTOR_STORE_DATABASE } from './database.js';
import { VectorStoreConfigSchema } from './config.js';

await runService({
  name: 'vector-store',
  configSchema: VectorStoreConfigSchema,
  database: VECTOR_STORE_DATABASE,
  module: (resources) => AppModule.register(resources),
});
