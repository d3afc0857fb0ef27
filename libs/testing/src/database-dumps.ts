// pg_dump of every database of a test prefix, searched for canaries: what a stolen dump or
// backup would reveal. Used before the test databases are dropped.
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { ADMIN_URL } from './test-databases.js';
import { findLeaks, type Canaries } from './canaries.js';

export interface DumpLeak {
  database: string;
  canaries: string[];
}

export async function databasesOf(prefix: string, adminUrl = ADMIN_URL): Promise<string[]> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const result = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1 ORDER BY datname', [
      `${prefix}\\_%`,
    ]);
    return result.rows.map((row) => row.datname);
  } finally {
    await client.end();
  }
}

/** Dumps each database of the prefix (schema and data) and returns those in which a canary appears. */
export async function dumpLeaks(prefix: string, canaries: Canaries, adminUrl = ADMIN_URL): Promise<{ dumped: string[]; leaks: DumpLeak[] }> {
  const dumped = await databasesOf(prefix, adminUrl);
  const leaks: DumpLeak[] = [];
  for (const database of dumped) {
    const url = new URL(adminUrl);
    url.pathname = `/${database}`;
    const dump = execFileSync('pg_dump', ['--no-owner', '--dbname', url.toString()], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
    const found = findLeaks(dump, canaries);
    if (found.length > 0) leaks.push({ database, canaries: found });
  }
  return { dumped, leaks };
}
