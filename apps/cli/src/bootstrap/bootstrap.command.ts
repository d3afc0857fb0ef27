// `gardien bootstrap`: creates the super-admin and, optionally, the first tenant and its admin,
// by asking the auth service over the bus. Run on the server itself: the subject it publishes is
// open to the command line's NATS user only, never to the edge (HTTP) or another service.
import { Command } from 'commander';
import { exitOnUsageError, withoutOptionValues } from '../usage-errors.js';
import { BOOTSTRAP_TIMEOUT_MS, loadNatsSettings, requestBootstrap } from './bootstrap-bus.js';
import { PASSWORD_VARIABLE, readBootstrapRequest, type BootstrapOptions } from './bootstrap-input.js';
import { BootstrapReport, EXIT_CODES_HELP, type OutputStream } from './bootstrap-report.js';

export interface BootstrapIo {
  env: NodeJS.ProcessEnv;
  stdout: OutputStream;
  stderr: OutputStream;
}

export async function runBootstrap(options: BootstrapOptions, io: BootstrapIo): Promise<number> {
  const report = new BootstrapReport(io.stdout, io.stderr, BOOTSTRAP_TIMEOUT_MS);
  try {
    const request = readBootstrapRequest(options, io.env);
    const settings = loadNatsSettings(io.env);
    report.requested(request);
    const startedAt = Date.now();
    const result = await requestBootstrap(request, settings, BOOTSTRAP_TIMEOUT_MS);
    return report.done(result, Date.now() - startedAt);
  } catch (error) {
    return report.failed(error);
  }
}

export function bootstrapCommand(): Command {
  return new Command('bootstrap')
    .description('create the super-admin and, optionally, the first tenant with its admin (run on the server itself; refuses to run twice)')
    .requiredOption('--admin-email <email>', "the super-admin's email")
    .option('--tenant <slug>', 'slug of the first tenant (with --tenant-name and --tenant-admin-email)')
    .option('--tenant-name <name>', 'name of the first tenant')
    .option('--tenant-admin-email <email>', "the first tenant admin's email")
    .option('--password-file <file>', "file (mode 0600) with one password for both accounts, or two lines: the super-admin's, then the tenant admin's")
    .addHelpText(
      'after',
      `
Passwords come from ${PASSWORD_VARIABLE} (both accounts) or --password-file, never from the
command line. Connection: GARDIEN_NATS_URL (default nats://127.0.0.1:4222) and, when the bus requires
credentials, GARDIEN_NATS_NKEY_SEED_FILE (the cli.nk written by \`gardien nats-config\`); on a bus with
TLS, GARDIEN_NATS_TLS_CA_FILE, GARDIEN_NATS_TLS_CERT_FILE and GARDIEN_NATS_TLS_KEY_FILE (ca.pem, cli.pem and
cli-key.pem of \`gardien nats-config --tls-generate\`, or the operator's own). With that
seed the request is also signed by it: auth, given the matching public key (cli.pub, as
GARDIEN_BOOTSTRAP_CLI_PUBLIC_KEY_FILE), refuses any bootstrap request not signed with it (exit 77).
Prints one JSON object on stdout: the ids and each account's otpauth:// enrolment URI, shown once.
Logs what it did to stderr as JSON lines, with ids only.
${EXIT_CODES_HELP}`,
    )
    .configureOutput({ outputError: (message, write) => write(withoutOptionValues(message)) })
    .exitOverride(exitOnUsageError)
    .action(async (options: BootstrapOptions) => {
      process.exitCode = await runBootstrap(options, { env: process.env, stdout: process.stdout, stderr: process.stderr });
    });
}
