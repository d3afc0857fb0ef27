#!/usr/bin/env node
// The `gardien` command. Operations that must never be reachable over HTTP (bootstrap, key
// operations, audit verification) live here and run on the server itself.
import { Command } from 'commander';
import { startCommand } from './start/start.command.js';

const program = new Command()
  .name('gardien')
  .description('Gardien: local AI under GDPR, self-hosted. Operator command line.')
  .version('0.1.0');

program
  .command('start')
  .description('start Postgres and NATS if needed, then every service (or --only some), until Ctrl-C')
  .option('--only <services...>', 'start only these services (e.g. to bring a stopped one back)')
  .option('--data-dir <dir>', 'where local infrastructure keeps its data (default: .gardien)')
  .action(async (options: { only?: string[]; dataDir?: string }) => {
    await startCommand(options);
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`gardien: ${error instanceof Error ? error.message : 'failed'}\n`);
  process.exit(1);
});
