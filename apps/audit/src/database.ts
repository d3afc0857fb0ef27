// What the audit service declares about its database, shared by its start (main.ts, which checks
// it) and its migration step (migrate.ts, which `gardien provision` runs as the database owner).
import type { DatabaseDeclaration } from '@gardien/persistence';
import { AUDIT_INVENTORY } from './data-inventory.js';
import { AUDIT_MIGRATIONS } from './migrations/index.js';

export const AUDIT_DATABASE: DatabaseDeclaration = { migrations: AUDIT_MIGRATIONS, inventory: AUDIT_INVENTORY };
