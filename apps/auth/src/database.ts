// What the auth service declares about its database, shared by its start (main.ts, which checks
// it) and its migration step (migrate.ts, which `gardien provision` runs as the database owner).
import type { DatabaseDeclaration } from '@gardien/persistence';
import { AUTH_MIGRATIONS } from './migrations/index.js';
import { SESSION_RETENTION } from './sessions/session-retention.js';

export const AUTH_DATABASE: DatabaseDeclaration = { migrations: AUTH_MIGRATIONS, retention: [SESSION_RETENTION] };
