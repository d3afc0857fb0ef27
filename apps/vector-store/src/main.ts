import 'reflect-metadata';
import { runService } from '@gardien/platform';
import { AppModule } from './app.module.js';
import { VectorStoreConfigSchema } from './config.js';

await runService({
  name: 'vector-store',
  configSchema: VectorStoreConfigSchema,
  migrations: [],
  entities: [],
  module: (resources) => AppModule.register(resources),
});
