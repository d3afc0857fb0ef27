// The audit service's migration step: run by `gardien provision` only, with the owner's URL of
// that run; the service itself never migrates (it holds no owner's credentials).
import { migrateService } from '@gardien/persistence';
import { AUDIT_DATABASE } from './database.js';

await migrateService('audit', AUDIT_DATABASE);
