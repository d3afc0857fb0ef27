// What the audit service declares about its database, shared by its start (main.ts, which checks
// it) and its migration step (migrate.ts, which `gardien provision` runs as the database owner).
import type { DatabaseDeclaration } from '@gardien/persistence';

export const AUDIT_DATABASE: DatabaseDeclaration = { migrations: [] };
