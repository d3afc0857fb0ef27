// `gardien nats-config`: writes the nats-server configuration and the nkey seed file of each bus
// user (every process, the command line itself: cli.nk, and `gardien provision`: provisioner.nk,
// the only user that may create streams and durable consumers), and the command line's public key
// (cli.pub), which auth is given to check that a bootstrap request was signed by the command line.
// With TLS (the operator's certificates, or a CA and certificates made here) every client must
// present a certificate of that CA.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { NATS_TLS_FILE_VARIABLES, ensureBusCertificates } from '@gardien/bootstrap';
import { BUS_USERS, CLI_USER } from '@gardien/contracts';
import { EX_USAGE, exitOnUsageError, withoutOptionValues } from '../usage-errors.js';
import { DEFAULT_LISTEN, renderNatsServerConfig, type NatsServerTls } from './nats-server-config.js';
import { natsConfigUsageError, serverNamesOf, type NatsConfigOptions } from './nats-config-options.js';
import { ensureBusUserNkey } from './bus-user-nkeys.js';

/** Auth's variable that holds the command line's public key (or `_FILE`: the cli.pub written here). */
export const CLI_PUBLIC_KEY_VARIABLE = 'GARDIEN_BOOTSTRAP_CLI_PUBLIC_KEY';

export const NATS_CONFIG_HELP = `
Writes <seeds-dir>/cli.pub, the command line's public nkey (not a secret). Give it to the auth
service as ${CLI_PUBLIC_KEY_VARIABLE}_FILE (or its content as ${CLI_PUBLIC_KEY_VARIABLE}): auth then
accepts only bootstrap requests signed with cli.nk (required with GARDIEN_ENV=production).

TLS: passwords, TOTP codes and tokens cross the bus. With --tls-cert, --tls-key and --tls-ca (paths
as the nats-server will see them) or --tls-generate <dir>, the server accepts TLS connections only,
each with a client certificate issued by the CA (mutual TLS, nats-server's "verify"). Give every
process the CA as ${NATS_TLS_FILE_VARIABLES.ca}, its own certificate as ${NATS_TLS_FILE_VARIABLES.cert}
and its key as ${NATS_TLS_FILE_VARIABLES.key}, and use in GARDIEN_NATS_URL a host name that the
server certificate names. --tls-generate makes (once, with the machine's openssl) ca.pem, ca-key.pem,
nats-server.pem and nats-server-key.pem, and <process>.pem and <process>-key.pem for every process
and for this command line (cli); keep ca-key.pem off the server once everything is issued.

Listen address: ${DEFAULT_LISTEN} (this machine only) unless --listen says otherwise. --production
requires TLS and --listen with the server's address on the bus network (in a container: its address
or host name on the internal network); it refuses 0.0.0.0 or [::] unless --any-interface (a server
whose only network is the bus).

Prints one JSON object: the configuration file, the listen address, each seed file with the variable
that takes it, cliPublicKey (the key, its file, and the variable of auth that takes it) and, with TLS,
the files of the CA, of the server and (when generated) of each process, with their variables.
Exit codes: 0 done, 64 bad usage, 1 the certificates could not be made (the reason is printed).`;

export function natsConfigCommand(): Command {
  return new Command('nats-config')
    .description('write the nats-server configuration (one nkey user per process and one for this command line, least-privilege permissions, optional mutual TLS) and the seed files')
    .requiredOption('--out <file>', 'where to write nats-server.conf')
    .requiredOption('--seeds-dir <dir>', 'where each nkey seed is kept (<service>.nk and cli.nk, mode 0600; created once)')
    .option('--listen <host:port>', `listen address of the server (default ${DEFAULT_LISTEN}; required with --production)`)
    .option('--store-dir <dir>', 'JetStream storage directory', '/data/jetstream')
    .option('--tls-cert <file>', "the server's certificate (PEM), as the server sees the path")
    .option('--tls-key <file>', "the server's private key (PEM), as the server sees the path")
    .option('--tls-ca <file>', 'the CA whose certificates clients must present (PEM), as the server sees the path')
    .option('--tls-generate <dir>', 'make (once) a CA, the server certificate and one client certificate per process in <dir>, and use them')
    .option('--tls-server-names <names...>', 'with --tls-generate: the host names and addresses clients use to reach the server (default: localhost, 127.0.0.1 and the --listen host)')
    .option('--production', 'refuse a configuration without TLS, without --listen, or listening on every interface')
    .option('--any-interface', 'with --production: allow listening on every interface (a server whose only network is the bus)')
    .addHelpText('after', NATS_CONFIG_HELP)
    .configureOutput({ outputError: (message, write) => write(withoutOptionValues(message)) })
    .exitOverride(exitOnUsageError)
    .action(function (this: Command, options: NatsConfigOptions) {
      const problem = natsConfigUsageError(options);
      if (problem) this.error(`error: ${problem}`, { exitCode: EX_USAGE, code: 'gardien.usage' });
      const report = writeNatsConfig(options);
      if (!report.tls) process.stderr.write('gardien nats-config: no TLS: the bus will carry passwords and tokens in clear text (development only)\n');
      process.stdout.write(`${JSON.stringify(report)}\n`);
    });
}

export interface TlsReport extends NatsServerTls {
  variables: typeof NATS_TLS_FILE_VARIABLES;
  /** Only when generated: */
  caKeyFile?: string;
  serverNames?: string[];
  clients?: Array<{ user: string; certFile: string; keyFile: string }>;
}

export interface NatsConfigReport {
  config: string;
  listen: string;
  seeds: Array<{ user: string; seedFile: string; variable: string }>;
  cliPublicKey: { publicKey: string; file: string; service: string; variable: string };
  tls?: TlsReport;
}

/** Writes the configuration, the seeds and (with --tls-generate) the certificates; returns what the command prints. */
export function writeNatsConfig(options: NatsConfigOptions): NatsConfigReport {
  const users = BUS_USERS.map((user) => ensureBusUserNkey(options.seedsDir, user));
  const tls = busTls(options);
  const listen = options.listen ?? DEFAULT_LISTEN;
  writeFileSync(
    options.out,
    renderNatsServerConfig({
      users,
      listen,
      ...(options.storeDir ? { jetstreamStoreDir: options.storeDir } : {}),
      ...(tls ? { tls: tls.server } : {}),
    }),
    { mode: 0o644 },
  );
  const cli = ensureBusUserNkey(options.seedsDir, CLI_USER);
  const cliPublicKeyFile = join(options.seedsDir, `${CLI_USER}.pub`);
  writeFileSync(cliPublicKeyFile, `${cli.publicKey}\n`, { mode: 0o644 });
  return {
    config: options.out,
    listen,
    seeds: users.map(({ user, seedFile }) => ({ user, seedFile, variable: 'GARDIEN_NATS_NKEY_SEED_FILE' })),
    cliPublicKey: { publicKey: cli.publicKey, file: cliPublicKeyFile, service: 'auth', variable: `${CLI_PUBLIC_KEY_VARIABLE}_FILE` },
    ...(tls ? { tls: tls.report } : {}),
  };
}

interface BusTls {
  server: NatsServerTls;
  report: TlsReport;
}

/** The server's TLS files: the operator's, or made here (then with every process's certificate). */
function busTls(options: NatsConfigOptions): BusTls | undefined {
  if (options.tlsCert && options.tlsKey && options.tlsCa) {
    const server = { certFile: options.tlsCert, keyFile: options.tlsKey, caFile: options.tlsCa };
    return { server, report: { ...server, variables: NATS_TLS_FILE_VARIABLES } };
  }
  if (!options.tlsGenerate) return undefined;
  const made = ensureBusCertificates({ directory: resolve(options.tlsGenerate), serverNames: serverNamesOf(options), clients: BUS_USERS });
  const server = { certFile: made.server.certFile, keyFile: made.server.keyFile, caFile: made.caFile };
  const clients = Object.entries(made.clients).map(([user, files]) => ({ user, ...files }));
  return { server, report: { ...server, caKeyFile: made.caKeyFile, serverNames: serverNamesOf(options), clients, variables: NATS_TLS_FILE_VARIABLES } };
}
