// The auth service's migration step: run by `gardien provision` only, with the owner's URL of
// that run; the service itself never migrates (it holds no owner's credentials).
import { migrateService } from '@gardien/persistence';
import { AUTH_DATABASE } from './database.js';

await migrateService('auth', AUTH_DATABASE);
