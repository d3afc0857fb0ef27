// `gardien nats-config`: writes the nats-server configuration and each process's nkey seed file.
import { writeFileSync } from 'node:fs';
import { ALL_SERVICES } from '@gardien/contracts';
import { renderNatsServerConfig } from './nats-server-config.js';
import { ensureServiceNkey } from './service-nkeys.js';

export interface NatsConfigOptions {
  out: string;
  seedsDir: string;
  listen?: string;
  storeDir?: string;
}

export function natsConfigCommand(options: NatsConfigOptions): void {
  const users = ALL_SERVICES.map((service) => ensureServiceNkey(options.seedsDir, service));
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
    `${JSON.stringify({ config: options.out, seeds: users.map(({ service, seedFile }) => ({ service, seedFile, variable: 'GARDIEN_NATS_NKEY_SEED_FILE' })) })}\n`,
  );
}
