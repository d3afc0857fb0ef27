// Databases for tests: each test (or suite) gets its own name prefix, so its databases and roles
// are its own; they are dropped afterwards. A guard refuses to drop anything whose name does not
// say "test", so a misconfigured URL can never wipe a real deployment.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const ADMIN_URL = process.env.GARDIEN_TEST_DATABASE_URL ?? process.env.GARDIEN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const TEST_PREFIX = /^test_[a-z0-9]{8}$/;

/** A fresh prefix such as test_1a2b3c4d (usable as GARDIEN_DATABASE_PREFIX). */
export function testDatabasePrefix(): string {
  return `test_${randomBytes(4).toString('hex')}`;
}

/** Creates a bare database (owned by the admin) for low-level tests. */
export async function createTestDatabase(prefix: string, adminUrl = ADMIN_URL): Promise<string> {
  const name = `${prefix}_db`;
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE ${quoteIdent(name)}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops every database and role whose name starts with the prefix. */
export async function dropTestDatabases(prefix: string, adminUrl = ADMIN_URL): Promise<void> {
  if (!TEST_PREFIX.test(prefix)) throw new Error(`refusing to drop databases of non-test prefix "${prefix}"`);
  await withAdmin(adminUrl, async (client) => {
    const databases = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${prefix}\\_%`]);
    for (const { datname } of databases.rows) {
      await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(datname)} WITH (FORCE)`);
    }
    const roles = await client.query<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE rolname LIKE $1', [`${prefix}\\_%`]);
    for (const { rolname } of roles.rows) {
      await client.query(`DROP ROLE IF EXISTS ${quoteIdent(rolname)}`);
    }
  });
}

/** Runs statements in a service's database as its owner (which has no login between provisioning runs), as a migration would. */
export async function runAsOwner(database: string, statements: readonly string[], adminUrl = ADMIN_URL): Promise<void> {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  await withAdmin(url.toString(), async (client) => {
    await client.query(`SET ROLE ${quoteIdent(`${database}_owner`)}`);
    await client.query('BEGIN');
    for (const statement of statements) await client.query(statement);
    await client.query('COMMIT');
  });
}

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`refusing unsafe identifier "${name}"`);
  return `"${name}"`;
}

async function withAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
