// The nkey of each process: generated once into `<dir>/<service>.nk` (mode 0600) and reused
// afterwards, so that re-rendering the server configuration never rotates keys by accident.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nkeys } from '@nats-io/transport-node';
import type { ServiceName } from '@gardien/contracts';

export interface ServiceNkey {
  service: ServiceName;
  publicKey: string;
  seedFile: string;
}

export function ensureServiceNkey(directory: string, service: ServiceName): ServiceNkey {
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const seedFile = join(directory, `${service}.nk`);
  if (!existsSync(seedFile)) {
    const pair = nkeys.createUser();
    writeFileSync(seedFile, `${new TextDecoder().decode(pair.getSeed())}\n`, { mode: 0o600, flag: 'wx' });
  }
  const seed = readFileSync(seedFile, 'utf8').trim();
  const publicKey = nkeys.fromSeed(new TextEncoder().encode(seed)).getPublicKey();
  return { service, publicKey, seedFile };
}
