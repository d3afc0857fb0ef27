// `gardien nats-config`: writes the nats-server configuration and the nkey seed file of each bus
// user (every process, the command line itself: cli.nk, and `gardien provision`: provisioner.nk,
// the only user that may create streams and durable consumers), and the command line's public key
// (cli.pub), which auth is given to check that a bootstrap request was signed by the command line.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUS_USERS, CLI_USER } from '@gardien/contracts';
import { renderNatsServerConfig } from './nats-server-config.js';
import { ensureBusUserNkey } from './bus-user-nkeys.js';

export interface NatsConfigOptions {
  out: string;
  seedsDir: string;
  listen?: string;
  storeDir?: string;
}

/** Auth's variable that holds the command line's public key (or `_FILE`: the cli.pub written here). */
export const CLI_PUBLIC_KEY_VARIABLE = 'GARDIEN_BOOTSTRAP_CLI_PUBLIC_KEY';

export const NATS_CONFIG_HELP = `
Writes <seeds-dir>/cli.pub, the command line's public nkey (not a secret). Give it to the auth
service as ${CLI_PUBLIC_KEY_VARIABLE}_FILE (or its content as ${CLI_PUBLIC_KEY_VARIABLE}): auth then
accepts only bootstrap requests signed with cli.nk (required with GARDIEN_ENV=production).
Prints one JSON object: the configuration file, each seed file with the variable that takes it,
and cliPublicKey (the key, its file, and the variable of auth that takes it).`;

export function natsConfigCommand(options: NatsConfigOptions): void {
  const users = BUS_USERS.map((user) => ensureBusUserNkey(options.seedsDir, user));
  writeFileSync(
    options.out,
    renderNatsServerConfig({
      users,
      ...(options.listen ? { listen: options.listen } : {}),
      ...(options.storeDir ? { jetstreamStoreDir: options.storeDir } : {}),
    }),
    { mode: 0o644 },
  );
  const cli = ensureBusUserNkey(options.seedsDir, CLI_USER);
  const cliPublicKeyFile = join(options.seedsDir, `${CLI_USER}.pub`);
  writeFileSync(cliPublicKeyFile, `${cli.publicKey}\n`, { mode: 0o644 });
  process.stdout.write(
    `${JSON.stringify({
      config: options.out,
      seeds: users.map(({ user, seedFile }) => ({ user, seedFile, variable: 'GARDIEN_NATS_NKEY_SEED_FILE' })),
      cliPublicKey: { publicKey: cli.publicKey, file: cliPublicKeyFile, service: 'auth', variable: `${CLI_PUBLIC_KEY_VARIABLE}_FILE` },
    })}\n`,
  );
}
