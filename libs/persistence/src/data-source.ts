// The TypeORM data sources of a service: one as the owner to run migrations (in the provisioning
// step only, under an advisory lock), one as the runtime role for everything else.
import { DataSource, type EntitySchema, type MigrationInterface } from 'typeorm';
import { ProvisioningError, ProvisioningErrorCode } from './provisioning-error.js';

type EntityClass = abstract new (...args: never[]) => unknown;
export type MigrationClass = new () => MigrationInterface;

export interface ServiceDataSourceOptions {
  url: string;
  entities?: Array<EntityClass | EntitySchema>;
  migrations?: MigrationClass[];
  poolSize?: number;
  applicationName: string;
}

export function createServiceDataSource(options: ServiceDataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: options.entities ?? [],
    migrations: options.migrations ?? [],
    migrationsTableName: 'gardien_migrations',
    synchronize: false,
    logging: false,
    applicationName: options.applicationName,
    extra: { max: options.poolSize ?? 10, idleTimeoutMillis: 30_000 },
  });
}

const MIGRATION_LOCK = 0x6d696772; // "migr"

/**
 * Applies the pending migrations as the database's owner: tables created by anyone else (a
 * superuser, say) would not be owned by the owner, and the runtime role's privileges on them
 * would not follow. Refuses any other role.
 */
export async function runMigrationsAsOwner(options: ServiceDataSourceOptions): Promise<string[]> {
  const owner = createServiceDataSource({ ...options, poolSize: 1 });
  await owner.initialize();
  try {
    await requireDatabaseOwner(owner);
    await owner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      const applied = await owner.runMigrations({ transaction: 'each' });
      // The runtime role reads which migrations were applied (it checks them at boot), but must not
      // be able to mark one as applied (a row-level security one, say).
      await owner.query(
        `DO $$ BEGIN
           EXECUTE format('REVOKE ALL ON gardien_migrations FROM %I', regexp_replace(current_user, '_owner$', '_app'));
           EXECUTE format('GRANT SELECT ON gardien_migrations TO %I', regexp_replace(current_user, '_owner$', '_app'));
         END $$`,
      );
      return applied.map((m) => m.name);
    } finally {
      await owner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    await owner.destroy();
  }
}

async function requireDatabaseOwner(dataSource: DataSource): Promise<void> {
  const [role] = await dataSource.query<Array<{ owner: boolean; superuser: boolean }>>(
    `SELECT d.datdba = r.oid AS owner, r.rolsuper AS superuser
       FROM pg_database d, pg_roles r WHERE d.datname = current_database() AND r.rolname = current_user`,
  );
  if (!role?.owner || role.superuser) {
    throw new ProvisioningError(ProvisioningErrorCode.NotDatabaseOwner, 'migrations run as the database owner only (not a superuser, not another role)');
  }
}
