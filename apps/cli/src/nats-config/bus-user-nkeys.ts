// The nkey of each bus user (every process, and the command line): generated once into
// `<dir>/<user>.nk` (mode 0600) and reused afterwards, so that re-rendering the server
// configuration never rotates keys by accident.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nkeys } from '@nats-io/transport-node';
import type { BusUser } from '@gardien/contracts';

export interface BusUserNkey {
  user: BusUser;
  publicKey: string;
  seedFile: string;
}

export function ensureBusUserNkey(directory: string, user: BusUser): BusUserNkey {
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const seedFile = join(directory, `${user}.nk`);
  if (!existsSync(seedFile)) {
    const pair = nkeys.createUser();
    writeFileSync(seedFile, `${new TextDecoder().decode(pair.getSeed())}\n`, { mode: 0o600, flag: 'wx' });
  }
  const seed = readFileSync(seedFile, 'utf8').trim();
  const publicKey = nkeys.fromSeed(new TextEncoder().encode(seed)).getPublicKey();
  return { user, publicKey, seedFile };
}
