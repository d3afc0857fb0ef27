// What the tenant service declares about its database, shared by its start (main.ts, which checks
// it) and its migration step (migrate.ts, which `gardien provision` runs as the database owner).
import type { DatabaseDeclaration } from '@gardien/persistence';
import { TENANT_INVENTORY } from './data-inventory.js';
import { TENANT_MIGRATIONS } from './migrations/index.js';

export const TENANT_DATABASE: DatabaseDeclaration = { migrations: TENANT_MIGRATIONS, inventory: TENANT_INVENTORY };
