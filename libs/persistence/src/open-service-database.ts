// For integration tests and tools that run one service's database in process: the provisioning
// step (database, roles, logins), the migrations as the owner, and the runtime data source, in one
// call with the administrator's URL. Services never call this: they hold no administrator's URL,
// only their own runtime (and maintenance) credentials, written by `gardien provision`.
import type { DataSource, EntitySchema } from 'typeorm';
import { createServiceDataSource, runMigrationsAsOwner, type MigrationClass } from './data-source.js';
import { ServiceDatabaseProvisioning, newRolePassword } from './provisioning.js';
import { serviceDatabase, type ServiceDatabase } from './service-database.js';

type EntityClass = abstract new (...args: never[]) => unknown;

export interface OpenServiceDatabaseOptions {
  service: string;
  prefix?: string;
  adminUrl: string;
  migrations: MigrationClass[];
  entities?: Array<EntityClass | EntitySchema>;
  poolSize?: number;
}

export interface OpenedServiceDatabase {
  db: ServiceDatabase;
  runtime: DataSource;
  /** Names of the migrations this call applied. */
  applied: string[];
  /** The credentials this call gave the runtime and maintenance roles. */
  runtimeUrl: string;
  maintenanceUrl: string;
}

export async function openServiceDatabase(options: OpenServiceDatabaseOptions): Promise<OpenedServiceDatabase> {
  const db = serviceDatabase(options.service, options.prefix);
  const logins = { runtime: newRolePassword(), maintenance: newRolePassword() };
  const provisioning = await ServiceDatabaseProvisioning.begin(db, options.adminUrl);
  let applied: string[];
  try {
    const { ownerUrl } = await provisioning.prepare();
    applied = await runMigrationsAsOwner({
      url: ownerUrl,
      migrations: options.migrations,
      entities: options.entities ?? [],
      applicationName: `gardien-${options.service}-migrations`,
    });
    await provisioning.grantLogins(logins);
  } finally {
    await provisioning.finish();
  }
  const runtimeUrl = provisioning.urlOf(db.runtimeRole, logins.runtime);
  const runtime = createServiceDataSource({
    url: runtimeUrl,
    entities: options.entities ?? [],
    applicationName: `gardien-${options.service}`,
    ...(options.poolSize ? { poolSize: options.poolSize } : {}),
  });
  await runtime.initialize();
  return { db, runtime, applied, runtimeUrl, maintenanceUrl: provisioning.urlOf(db.maintenanceRole, logins.maintenance) };
}
