import 'reflect-metadata';
import '@gardien/bootstrap/defer-date-time-format';
import { runService } from '@gardien/platform';
import { AppModule } from './app.module.js';
import { DocumentExpiry } from './documents/document-expiry.js';
import { VECTOR_STORE_DATABASE } from './database.js';
import { VectorStoreConfigSchema } from './config.js';

await runService({
  name: 'vector-store',
  configSchema: VectorStoreConfigSchema,
  database: VECTOR_STORE_DATABASE,
  module: (resources) => AppModule.register(resources),
  // Expired documents leave with their vectors (Qdrant's too), as a deletion does.
  retentionRemovers: (app) => ({ documents: app.get(DocumentExpiry, { strict: false }).remove }),
});
