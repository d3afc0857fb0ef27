// The TypeORM data sources of a service: one as the owner to run migrations (under an advisory
// lock, so replicas starting together migrate once), one as the runtime role for everything else.
import { DataSource, type EntitySchema, type MigrationInterface } from 'typeorm';

type EntityClass = abstract new (...args: never[]) => unknown;
type MigrationClass = new () => MigrationInterface;

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

export async function runMigrationsAsOwner(options: ServiceDataSourceOptions): Promise<string[]> {
  const owner = createServiceDataSource({ ...options, poolSize: 1 });
  await owner.initialize();
  try {
    await owner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      const applied = await owner.runMigrations({ transaction: 'each' });
      // The runtime role must not be able to mark a migration as applied (a row-level security one, say).
      await owner.query(
        `DO $$ BEGIN EXECUTE format('REVOKE ALL ON gardien_migrations FROM %I', regexp_replace(current_user, '_owner$', '_app')); END $$`,
      );
      return applied.map((m) => m.name);
    } finally {
      await owner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    await owner.destroy();
  }
}
