// What a service does with its database at start, in one call: database and roles provisioned
// (idempotently), migrations run as the owner, and the runtime data source opened as the role that
// owns nothing and cannot bypass row-level security.
import type { DataSource, EntitySchema, MigrationInterface } from 'typeorm';
import { createServiceDataSource, runMigrationsAsOwner } from './data-source.js';
import { provisionServiceDatabase } from './provisioning.js';
import { rolePassword, serviceDatabase, urlFor, type ServiceDatabase } from './service-database.js';

type EntityClass = abstract new (...args: never[]) => unknown;

export interface OpenServiceDatabaseOptions {
  service: string;
  prefix?: string;
  adminUrl: string;
  roleSecret?: string;
  migrations: Array<new () => MigrationInterface>;
  entities?: Array<EntityClass | EntitySchema>;
  poolSize?: number;
}

export interface OpenedServiceDatabase {
  db: ServiceDatabase;
  runtime: DataSource;
  /** Names of the migrations this call applied. */
  applied: string[];
}

export async function openServiceDatabase(options: OpenServiceDatabaseOptions): Promise<OpenedServiceDatabase> {
  const db = serviceDatabase(options.service, options.prefix);
  const { adminUrl, roleSecret } = options;
  await provisionServiceDatabase(db, { adminUrl, ...(roleSecret ? { roleSecret } : {}) });
  const applied = await runMigrationsAsOwner({
    url: urlFor(adminUrl, db.database, db.ownerRole, rolePassword(roleSecret, db.ownerRole)),
    migrations: options.migrations,
    entities: options.entities ?? [],
    applicationName: `gardien-${options.service}-migrations`,
  });
  const runtime = createServiceDataSource({
    url: urlFor(adminUrl, db.database, db.runtimeRole, rolePassword(roleSecret, db.runtimeRole)),
    entities: options.entities ?? [],
    applicationName: `gardien-${options.service}`,
    ...(options.poolSize ? { poolSize: options.poolSize } : {}),
  });
  await runtime.initialize();
  return { db, runtime, applied };
}
