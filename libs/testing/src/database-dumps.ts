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

/**
 * A digest of the rows of every table of each database of the prefix, keyed `database.schema.table`:
 * equal digests before and after, nothing was written there (what a dump would show differently).
 */
export async function tableDigests(prefix: string, adminUrl = ADMIN_URL): Promise<Record<string, string>> {
  const digests: Record<string, string> = {};
  for (const database of await databasesOf(prefix, adminUrl)) {
    const url = new URL(adminUrl);
    url.pathname = `/${database}`;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const tables = await client.query<{ name: string; qualified: string }>(
        `SELECT n.nspname || '.' || c.relname AS name, format('%I.%I', n.nspname, c.relname) AS qualified
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
          ORDER BY 1`,
      );
      for (const { name, qualified } of tables.rows) {
        const { rows } = await client.query<{ digest: string }>(`SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS digest FROM ${qualified} t`);
        digests[`${database}.${name}`] = rows[0]!.digest;
      }
    } finally {
      await client.end();
    }
  }
  return digests;
}
