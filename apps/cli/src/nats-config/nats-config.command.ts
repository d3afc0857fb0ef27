// `gardien nats-config`: writes the nats-server configuration and the nkey seed file of each bus
// user (every process, and the command line itself: cli.nk).
import { writeFileSync } from 'node:fs';
import { BUS_USERS } from '@gardien/contracts';
import { renderNatsServerConfig } from './nats-server-config.js';
import { ensureBusUserNkey } from './bus-user-nkeys.js';

export interface NatsConfigOptions {
  out: string;
  seedsDir: string;
  listen?: string;
  storeDir?: string;
}

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
  process.stdout.write(
    `${JSON.stringify({ config: options.out, seeds: users.map(({ user, seedFile }) => ({ user, seedFile, variable: 'GARDIEN_NATS_NKEY_SEED_FILE' })) })}\n`,
  );
}
