// The llm-gateway service's migration step: run by `gardien provision` only, with the owner's URL of
// that run; the service itself never migrates (it holds no owner's credentials).
import { migrateService } from '@gardien/persistence';
import { LLM_GATEWAY_DATABASE } from './database.js';

await migrateService('llm-gateway', LLM_GATEWAY_DATABASE);
