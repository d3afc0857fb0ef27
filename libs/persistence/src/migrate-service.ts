// The one-shot migration step of one service (node apps/<service>/dist/migrate.js), started by
// `gardien provision` with one credential only: the owner's URL of this provisioning run, in
// GARDIEN_DATABASE_URL. It applies the service's declared migrations as the owner, then prints one
// JSON object on stdout for the provisioning step: {service, applied, purges} (whether the service
// purges expired rows, hence needs its maintenance login). Logs go to stderr. Exit codes: 0 done,
// 1 failed (logged, by code), 78 bad configuration (named, never its value). Here rather than in
// libs/platform, so that this short-lived process does not load Nest.
import { BaseConfigSchema, DatabaseConfigSchema, exitOnConfigError, loadConfig, requireDatabasePasswords, type MigrationReport } from '@gardien/bootstrap';
import type { BusService } from '@gardien/contracts';
import { createLogger, safeError } from '@gardien/observability';
import { runMigrationsAsOwner } from './data-source.js';
import { declaredMigrations, purges, type DatabaseDeclaration } from './service-migrations.js';

const MigrationConfigSchema = BaseConfigSchema.pick({ GARDIEN_ENV: true, GARDIEN_LOG_LEVEL: true }).extend({
  /** The owner's URL of this provisioning run (the step passes it; nothing else holds it). */
  GARDIEN_DATABASE_URL: DatabaseConfigSchema.shape.GARDIEN_DATABASE_URL,
});

export async function migrateService(service: BusService, database: DatabaseDeclaration): Promise<void> {
  const name = `${service}-migrations`;
  const config = exitOnConfigError(name, () => loadConfig(MigrationConfigSchema, process.env, requireDatabasePasswords));
  const logger = createLogger({ service: name, level: config.GARDIEN_LOG_LEVEL, destination: process.stderr });
  try {
    const applied = await runMigrationsAsOwner({
      url: config.GARDIEN_DATABASE_URL,
      migrations: declaredMigrations(database),
      applicationName: `gardien-${service}-migrations`,
    });
    const report: MigrationReport = { service, applied, purges: purges(database) };
    logger.info({ applied: applied.length }, 'migrations applied');
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } catch (error) {
    logger.fatal({ err: safeError(error) }, 'migrations failed');
    process.exitCode = 1;
  }
}
