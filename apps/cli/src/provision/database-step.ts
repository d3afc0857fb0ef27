// The database step of `gardien provision`, for one service, under the step's lock on its
// database (libs/persistence): roles and database; the migrations, as the owner, by the service's
// own migration step; then its credentials written (runtime, and maintenance when it purges) and
// its roles given those logins. The owner loses its login when the step ends, whatever happened.
import { ServiceDatabaseProvisioning, serviceDatabase } from '@gardien/persistence';
import type { BusService } from '@gardien/contracts';
import type { CredentialFiles } from './credential-files.js';
import { runMigrationStep } from './migration-step.js';

export interface DatabaseStepContext {
  root: string;
  adminUrl: string;
  prefix: string;
  files: CredentialFiles;
  env: NodeJS.ProcessEnv;
}

export interface DatabaseReport {
  service: BusService;
  database: string;
  created: boolean;
  migrationsApplied: string[];
  /** The files the service is given (GARDIEN_DATABASE_URL_FILE, GARDIEN_MAINTENANCE_DATABASE_URL_FILE). */
  credentials: { runtime: string; maintenance?: string };
}

export async function provisionDatabase(service: BusService, context: DatabaseStepContext): Promise<DatabaseReport> {
  const db = serviceDatabase(service, context.prefix);
  const { files } = context;
  const provisioning = await ServiceDatabaseProvisioning.begin(db, context.adminUrl);
  try {
    const { created, ownerUrl } = await provisioning.prepare();
    const migrated = await runMigrationStep(context.root, service, ownerUrl, context.env);
    const runtime = files.passwordFor(service, 'runtime', db.runtimeRole);
    const credentials: DatabaseReport['credentials'] = { runtime: files.write(service, 'runtime', provisioning.urlOf(db.runtimeRole, runtime)) };
    let maintenance: string | undefined;
    if (migrated.purges) {
      maintenance = files.passwordFor(service, 'maintenance', db.maintenanceRole);
      credentials.maintenance = files.write(service, 'maintenance', provisioning.urlOf(db.maintenanceRole, maintenance));
    } else {
      files.remove(service, 'maintenance');
    }
    await provisioning.grantLogins({ runtime, ...(maintenance ? { maintenance } : {}) });
    return { service, database: db.database, created, migrationsApplied: migrated.applied, credentials };
  } finally {
    await provisioning.finish();
  }
}
