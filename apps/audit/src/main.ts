import 'reflect-metadata';
import '@gardien/bootstrap/defer-date-time-format';
import { runService } from '@gardien/platform';
import { AppModule } from './app.module.js';
import { AUDIT_DATABASE } from './database.js';
import { AuditConfigSchema } from './config.js';

await runService({
  name: 'audit',
  configSchema: AuditConfigSchema,
  database: AUDIT_DATABASE,
  module: (resources) => AppModule.register(resources),
});
