#!/usr/bin/env node
// The `gardien` command. Operations that must never be reachable over HTTP (bootstrap, key
// operations, audit verification) live here and run on the server itself.
import { Command } from 'commander';
import { auditCommand } from './audit/audit-verify.command.js';
import { bootstrapCommand } from './bootstrap/bootstrap.command.js';
import { natsConfigCommand } from './nats-config/nats-config.command.js';
import { modelsCommand } from './models/models.command.js';
import { piiCommand } from './pii/pii-scan.command.js';
import { pocCommand } from './poc/poc.command.js';
import { provisionCommand } from './provision/provision.command.js';
import { startCommand } from './start/start.command.js';
import { exitOnUsageError, withoutOptionValues } from './usage-errors.js';

const program = new Command()
  .name('gardien')
  .description('Gardien: local AI under GDPR, self-hosted. Operator command line.')
  .version('0.1.0');

program
  .command('start')
  .description('start Postgres and NATS if needed, provision, then every service (or --only some) with its own credentials, until Ctrl-C')
  .option('--only <services...>', 'start only these services (e.g. to bring a stopped one back)')
  .option('--data-dir <dir>', 'where local infrastructure, credentials (secrets/) and keys (master-keys/, keys/) are kept (default: .gardien)')
  .option('--nats-seeds-dir <dir>', 'on a bus with authentication: the seeds written by `gardien nats-config`, each process given its own')
  .action(async (options: { only?: string[]; dataDir?: string; natsSeedsDir?: string }) => {
    await startCommand(options);
  });

program.addCommand(natsConfigCommand());
program.addCommand(provisionCommand());
program.addCommand(bootstrapCommand());
program.addCommand(auditCommand());
program.addCommand(piiCommand());
program.addCommand(modelsCommand());
program.addCommand(pocCommand());

// Errors of the program itself (an unknown command or global option): usage errors, values not echoed.
program.configureOutput({ outputError: (message, write) => write(withoutOptionValues(message)) }).exitOverride(exitOnUsageError);

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`gardien: ${error instanceof Error ? error.message : 'failed'}\n`);
  process.exit(1);
});
