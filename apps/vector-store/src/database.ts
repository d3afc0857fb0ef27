// What the vector-store service declares about its database, shared by its start (main.ts, which
// checks it) and its migration step (migrate.ts, which `gardien provision` runs as the database owner).
import type { DatabaseDeclaration } from '@gardien/persistence';
import { VECTOR_STORE_INVENTORY } from './data-inventory.js';
import { VECTOR_STORE_MIGRATIONS } from './migrations/index.js';

export const VECTOR_STORE_DATABASE: DatabaseDeclaration = { migrations: VECTOR_STORE_MIGRATIONS, inventory: VECTOR_STORE_INVENTORY };
