// `gardien provision`: the one-shot, privileged step that creates what the services use and may
// not create themselves: each service's database, its roles and their credentials (one file per
// credential, random passwords), its migrations (run as its owner by its own migration step), and
// the JetStream streams and durable consumers (as the provisioner). Idempotent: a second run
// changes nothing and keeps the credentials of the first. Run by `gardien start` before the
// services, and by a deployment as an init job before them.
import { Command } from 'commander';
import { BUS_SERVICES, type BusService } from '@gardien/contracts';
import { repoRoot } from '../repo-root.js';
import { exitOnUsageError, withoutOptionValues } from '../usage-errors.js';
import { CredentialFiles } from './credential-files.js';
import { DEVELOPMENT_ADMIN_URL, loadProvisionConfig, type ProvisionConfig } from './provision-config.js';
import { provisionDatabase, type DatabaseReport } from './database-step.js';
import { provisionJetStream, type JetStreamReport } from './jetstream-step.js';
import { ProvisionError } from './provision-error.js';
import { PROVISION_EXIT_CODES_HELP, ProvisionReport, type OutputStream, type ProvisionResult } from './provision-report.js';

export interface ProvisionOptions {
  secretsDir: string;
  /** Databases of these services only (none if empty; the JetStream objects are always all provisioned). */
  only?: string[];
  updateJetstream?: boolean;
}

export interface ProvisionIo {
  env: NodeJS.ProcessEnv;
  stdout: OutputStream;
  stderr: OutputStream;
}

export async function runProvision(options: ProvisionOptions, io: ProvisionIo): Promise<{ exitCode: number; result?: ProvisionResult }> {
  const report = new ProvisionReport(io.stdout, io.stderr);
  const startedAt = Date.now();
  let config: ProvisionConfig;
  let services: BusService[];
  try {
    config = loadProvisionConfig(io.env);
    services = selectServices(options.only);
  } catch (error) {
    return { exitCode: report.failed([error]) };
  }
  const context = { root: repoRoot(), adminUrl: config.GARDIEN_DATABASE_ADMIN_URL, prefix: config.GARDIEN_DATABASE_PREFIX, files: new CredentialFiles(options.secretsDir), env: io.env };
  // JetStream first: a bus that refuses the provisioner stops the step before any database is touched.
  let jetStream: JetStreamReport;
  try {
    jetStream = await provisionJetStream(config, options.updateJetstream ?? false);
  } catch (error) {
    return { exitCode: report.failed([error]) };
  }
  const databases = await Promise.allSettled(
    services.map(async (service) => {
      const done = await provisionDatabase(service, context);
      report.databaseDone(done);
      return done;
    }),
  );
  const failures = databases.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
  if (failures.length > 0) return { exitCode: report.failed(failures) };
  const result: ProvisionResult = { databases: databases.map((outcome) => (outcome as PromiseFulfilledResult<DatabaseReport>).value), ...jetStream };
  return { exitCode: report.done(result, Date.now() - startedAt), result };
}

function selectServices(only: string[] | undefined): BusService[] {
  if (!only) return [...BUS_SERVICES];
  const unknown = only.filter((name) => !(BUS_SERVICES as readonly string[]).includes(name));
  if (unknown.length > 0) throw new ProvisionError('usage', `--only names a service without a database; the services with one are ${BUS_SERVICES.join(', ')}`);
  return only as BusService[];
}

export function provisionCommand(): Command {
  return new Command('provision')
    .description('create the databases, roles, credentials, migrations, streams and durable consumers the services use (one-shot, privileged; idempotent)')
    .requiredOption('--secrets-dir <dir>', 'where each service’s credentials are written: <dir>/<service>/database.url (and maintenance-database.url), mode 0600')
    .option('--only <services...>', 'provision the databases of these services only')
    .option('--update-jetstream', 'update the streams and durable consumers that differ from their declaration (otherwise only reported)')
    .addHelpText(
      'after',
      `
Configuration: GARDIEN_DATABASE_ADMIN_URL (or _FILE): a PostgreSQL role that may create roles and
databases, held by this step only, never by a service (default in development:
${DEVELOPMENT_ADMIN_URL}; required with GARDIEN_ENV=production); GARDIEN_DATABASE_PREFIX (gardien):
databases are <prefix>_<service>; GARDIEN_NATS_URL and, on a bus with authentication,
GARDIEN_NATS_NKEY_SEED_FILE: the provisioner.nk written by \`gardien nats-config\`.
Each service is then given its own files only: GARDIEN_DATABASE_URL_FILE=<dir>/<service>/database.url
and, for a service that purges, GARDIEN_MAINTENANCE_DATABASE_URL_FILE=<dir>/<service>/maintenance-database.url.
The databases' owners may log in only while this step runs.
Prints one JSON object on stdout: what it did, with no secret. Logs JSON lines on stderr.
${PROVISION_EXIT_CODES_HELP}`,
    )
    .configureOutput({ outputError: (message, write) => write(withoutOptionValues(message)) })
    .exitOverride(exitOnUsageError)
    .action(async (options: ProvisionOptions) => {
      process.exitCode = (await runProvision(options, { env: process.env, stdout: process.stdout, stderr: process.stderr })).exitCode;
    });
}
