// What the llm-gateway service declares about its database, shared by its start (main.ts, which checks
// it) and its migration step (migrate.ts, which `gardien provision` runs as the database owner).
import type { DatabaseDeclaration } from '@gardien/persistence';
import { LLM_GATEWAY_INVENTORY } from './data-inventory.js';
import { LLM_GATEWAY_MIGRATIONS } from './migrations/index.js';

export const LLM_GATEWAY_DATABASE: DatabaseDeclaration = { migrations: LLM_GATEWAY_MIGRATIONS, inventory: LLM_GATEWAY_INVENTORY };
