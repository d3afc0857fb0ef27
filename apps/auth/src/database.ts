// What the auth service declares about its database, shared by its start (main.ts, which checks
// it) and its migration step (migrate.ts, which `gardien provision` runs as the database owner).
import type { DatabaseDeclaration } from '@gardien/persistence';
import { AUTH_INVENTORY } from './data-inventory.js';
import { AUTH_MIGRATIONS } from './migrations/index.js';

export const AUTH_DATABASE: DatabaseDeclaration = { migrations: AUTH_MIGRATIONS, inventory: AUTH_INVENTORY };
