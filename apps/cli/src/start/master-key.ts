// The keys of the embedded keystores for `gardien start`: each bus service has its own master key
// file (`<data>/master-keys/<service>.key`, mode 0600) and its own key directory
// (`<data>/keys/<service>/`), so that a service can open no other service's keystore. Master keys
// are created once in development; in production (GARDIEN_ENV=production) they must already be
// there and are never generated. Not used with GARDIEN_KMS=vault.
import { chmodSync, copyFileSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { generateMasterKeyFile } from '@gardien/crypto';
import type { BusService } from '@gardien/contracts';

export interface ServiceKeys {
  /** GARDIEN_MASTER_KEY_FILE of the service. */
  masterKeyFile: string;
  /** GARDIEN_DATA_DIR of the service: where its keystore lives. */
  keyDir: string;
}

export function serviceKeysOf(dataDir: string, service: BusService): ServiceKeys {
  return { masterKeyFile: join(dataDir, 'master-keys', `${service}.key`), keyDir: join(dataDir, 'keys', service) };
}

export async function ensureServiceKeys(dataDir: string, services: readonly BusService[], say: (line: string) => void): Promise<Map<BusService, ServiceKeys>> {
  const keys = new Map<BusService, ServiceKeys>();
  if (process.env.GARDIEN_KMS === 'vault') return keys;
  moveSharedLayout(dataDir, services, say);
  for (const service of services) {
    const own = serviceKeysOf(dataDir, service);
    mkdirSync(own.keyDir, { recursive: true, mode: 0o700 });
    if (!existsSync(own.masterKeyFile)) {
      if (process.env.GARDIEN_ENV === 'production') throw new Error(`${own.masterKeyFile} is missing: in production master keys are never generated`);
      await generateMasterKeyFile(own.masterKeyFile);
      say(`development master key of ${service} created at ${own.masterKeyFile} (mode 0600); back it up apart from the data`);
    }
    keys.set(service, own);
  }
  return keys;
}

/**
 * A development folder from before per-service keys (one `<data>/master.key` for every keystore
 * under `<data>/keys/`): each keystore moves into its service's directory with a copy of that key,
 * so that its data stays readable. Those services keep sharing one key until the folder is reset;
 * new ones get their own.
 */
export function moveSharedLayout(dataDir: string, services: readonly BusService[], say: (line: string) => void): void {
  const shared = join(dataDir, 'master.key');
  if (!existsSync(shared)) return;
  for (const service of services) {
    const keystore = join(dataDir, 'keys', `${service}.keystore.json`);
    const own = serviceKeysOf(dataDir, service);
    if (!existsSync(keystore) || existsSync(own.masterKeyFile)) continue;
    mkdirSync(own.keyDir, { recursive: true, mode: 0o700 });
    mkdirSync(join(dataDir, 'master-keys'), { recursive: true, mode: 0o700 });
    renameSync(keystore, join(own.keyDir, `${service}.keystore.json`));
    copyFileSync(shared, own.masterKeyFile);
    chmodSync(own.masterKeyFile, 0o600);
    say(`${service}: keystore moved to ${own.keyDir} with a copy of the shared development master key (reset ${dataDir} to give it a key of its own)`);
  }
  renameSync(shared, `${shared}.before-per-service-keys`);
}
