// The migrations of a service's database: the platform's (outbox, retention overrides, key
// tables), then the service's own. The provisioning step applies them as the owner; the service,
// as its runtime role, checks at boot that every one it declares is applied and that none it does
// not know is (a newer version migrated, then rolled back), and otherwise refuses to start.
import type { DataSource } from 'typeorm';
import { CreateGardienKeys1732579300000 } from '@gardien/crypto';
import type { MigrationClass } from './data-source.js';
import { CreateOutbox1732579200000 } from './migrations/1732579200000-create-outbox.js';
import { CreateRetentionOverrides1732579200100 } from './migrations/1732579200100-create-retention-overrides.js';
import { CreateSubjectRestrictions1732579200200 } from './migrations/1732579200200-create-subject-restrictions.js';
import type { DataInventoryDeclaration } from './inventory/data-inventory.js';
import { retentionPoliciesOf } from './inventory/inventory-description.js';
import { ProvisioningError, ProvisioningErrorCode } from './provisioning-error.js';

/** What a service declares about its database (apps/<service>/src/database.ts), shared by its start and its migration step. */
export interface DatabaseDeclaration {
  /** The service's own migrations, in order. */
  migrations: MigrationClass[];
  /**
   * Every table of the database, personal or not (declareDataInventory): the platform purges what
   * it declares a retention period for (as the maintenance role), answers the subject operations
   * and the inventory from it.
   */
  inventory: DataInventoryDeclaration;
}

export const PLATFORM_MIGRATIONS: readonly MigrationClass[] = Object.freeze([
  CreateOutbox1732579200000,
  CreateRetentionOverrides1732579200100,
  CreateSubjectRestrictions1732579200200,
  CreateGardienKeys1732579300000,
]);

export function declaredMigrations(declaration: Pick<DatabaseDeclaration, 'migrations'>): MigrationClass[] {
  return [...PLATFORM_MIGRATIONS, ...declaration.migrations];
}

/** Whether the service purges expired rows, hence needs its maintenance login. */
export function purges(declaration: DatabaseDeclaration): boolean {
  return retentionPoliciesOf(declaration.inventory).length > 0;
}

/** The name TypeORM records for a migration. */
export function migrationName(migration: MigrationClass): string {
  return new migration().name ?? migration.name;
}

export async function checkMigrations(runtime: DataSource, migrations: MigrationClass[]): Promise<void> {
  const applied = new Set(await appliedMigrations(runtime));
  const declared = migrations.map(migrationName);
  const pending = declared.filter((name) => !applied.has(name));
  if (pending.length > 0) {
    throw new ProvisioningError(ProvisioningErrorCode.MigrationsPending, `${pending.length} migration(s) not applied (${pending.join(', ')}): run gardien provision`);
  }
  const unknown = [...applied].filter((name) => !declared.includes(name));
  if (unknown.length > 0) {
    throw new ProvisioningError(
      ProvisioningErrorCode.MigrationsUnknown,
      `the database has ${unknown.length} migration(s) this version does not know (${unknown.join(', ')}): it belongs to another service or version`,
    );
  }
}

/** Without the table (never provisioned) or without the right to read it (provisioned by an older version), nothing counts as applied. */
async function appliedMigrations(runtime: DataSource): Promise<string[]> {
  try {
    const rows = await runtime.query<Array<{ name: string }>>('SELECT name FROM gardien_migrations');
    return rows.map((row) => row.name);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === '42P01' || code === '42501') return [];
    throw error;
  }
}
