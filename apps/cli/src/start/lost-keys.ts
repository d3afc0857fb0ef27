// `gardien start` refuses to run services whose data it could not read: a database kept from an
// earlier run (it holds data keys, wrapped under that run's tenant keys) while the keystore or
// the master key of that run is gone (a new clone, a removed `.gardien/`). Started anyway, the
// platform would answer /health as up and fail every login with INTERNAL; and a new keystore
// created over it would make the loss permanent-looking while the old folder may still exist.
import { existsSync } from 'node:fs';
import pg from 'pg';
import { keystoreFileFor } from '@gardien/crypto';
import type { BusService } from '@gardien/contracts';
import type { DatabaseReport } from '../provision/database-step.js';
import { serviceKeysOf } from './master-key.js';

export interface LostKeys {
  service: BusService;
  database: string;
  /** What is missing: the master key file, the keystore file, or both. */
  missing: string[];
}

/** Whether a database holds wrapped data keys (rows of libs/crypto's key tables), read as the administrator. */
export type WrappedKeysProbe = (database: string) => Promise<boolean>;

export async function findLostKeys(dataDir: string, databases: readonly DatabaseReport[], holdsWrappedKeys: WrappedKeysProbe): Promise<LostKeys[]> {
  const lost: LostKeys[] = [];
  for (const { service, database, created } of databases) {
    if (created) continue;
    const keys = serviceKeysOf(dataDir, service);
    const missing = [keys.masterKeyFile, keystoreFileFor(keys.keyDir, service)].filter((file) => !existsSync(file));
    if (missing.length > 0 && (await holdsWrappedKeys(database))) lost.push({ service, database, missing });
  }
  return lost;
}

/** The probe against a real server: the administrator (a superuser, whom row-level security does not hide rows from). */
export function wrappedKeysProbe(adminUrl: string): WrappedKeysProbe {
  return async (database) => {
    // The database's name encoded in the URL's path (which is decoded when read).
    const url = new URL(adminUrl);
    url.pathname = `/${encodeURIComponent(database)}`;
    const client = new pg.Client({ connectionString: url.toString() });
    try {
      await client.connect();
      for (const table of ['gardien_keys.tenant_keys', 'gardien_keys.subject_keys']) {
        const { rows } = await client.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [table]);
        if (!rows[0]?.present) continue;
        const held = await client.query(`SELECT 1 FROM ${table} LIMIT 1`);
        if (held.rowCount) return true;
      }
      return false;
    } finally {
      await client.end();
    }
  };
}

/** What the operator reads: which service, what is missing, and the two ways forward. */
export function describeLostKeys(lost: readonly LostKeys[], dataDir: string): string {
  const lines = lost.map(({ service, database, missing }) => `  ${service}: database ${database} holds encrypted data; missing ${missing.join(' and ')}`);
  return [
    `the databases of an earlier run are here, but not the keys that read them (${dataDir}):`,
    ...lines,
    `  Put back the ${dataDir} folder of that run, or, to start afresh and lose that data, drop the platform's`,
    `  databases (see "Starting afresh" in the README) and run again. Nothing was started.`,
  ].join('\n');
}
