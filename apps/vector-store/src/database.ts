// What the vector-store service declares about its database, shared by its start (main.ts, which checks
// it) and its migration step (migrate.ts, which `gardien provision` runs as the database owner).
// No table of its own yet: its inventory holds the platform's tables only.
import { declareDataInventory, type DatabaseDeclaration } from '@gardien/persistence';

export const VECTOR_STORE_DATABASE: DatabaseDeclaration = {
  migrations: [],
  inventory: declareDataInventory({ service: 'vector-store', processing: {}, personalData: [], noPersonalData: [] }),
};
