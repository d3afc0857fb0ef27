// Creates, idempotently, a service's database and its owner and runtime roles. Safe to run by
// several processes at once: an advisory lock on the admin database serialises them.
import pg from 'pg';
import { quoteIdent, quoteLiteral } from './sql.js';
import { scramSha256Verifier } from './scram-verifier.js';
import { rolePassword, type ServiceDatabase } from './service-database.js';

const PROVISIONING_LOCK = 0x67617264; // "gard"

export interface ProvisioningOptions {
  adminUrl: string;
  /** Operator secret from which role passwords derive (none with local trust authentication). */
  roleSecret?: string;
}

export async function provisionServiceDatabase(db: ServiceDatabase, options: ProvisioningOptions): Promise<void> {
  const admin = new pg.Client({ connectionString: options.adminUrl });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock($1)', [PROVISIONING_LOCK]);
    try {
      await ensureRole(admin, db.ownerRole, rolePassword(options.roleSecret, db.ownerRole));
      await ensureRole(admin, db.runtimeRole, rolePassword(options.roleSecret, db.runtimeRole));
      await ensureRole(admin, db.maintenanceRole, rolePassword(options.roleSecret, db.maintenanceRole), 'BYPASSRLS');
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [db.database]);
      if (exists.rowCount === 0) {
        await admin.query(`CREATE DATABASE ${quoteIdent(db.database)} OWNER ${quoteIdent(db.ownerRole)}`);
      }
      await admin.query(`REVOKE ALL ON DATABASE ${quoteIdent(db.database)} FROM PUBLIC`);
      await admin.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${quoteIdent(db.database)} TO ${quoteIdent(db.runtimeRole)}`);
      await admin.query(`GRANT CONNECT ON DATABASE ${quoteIdent(db.database)} TO ${quoteIdent(db.maintenanceRole)}`);
    } finally {
      await admin.query('SELECT pg_advisory_unlock($1)', [PROVISIONING_LOCK]);
    }
  } finally {
    await admin.end();
  }
  await grantRuntimePrivileges(db, options);
}

async function ensureRole(
  admin: pg.Client,
  role: string,
  password: string | undefined,
  rowSecurity: 'NOBYPASSRLS' | 'BYPASSRLS' = 'NOBYPASSRLS',
): Promise<void> {
  const found = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  const verb = found.rowCount === 0 ? 'CREATE' : 'ALTER';
  const passwordClause = password ? `PASSWORD ${quoteLiteral(scramSha256Verifier(password))}` : 'PASSWORD NULL';
  await admin.query(
    `${verb} ROLE ${quoteIdent(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION ${rowSecurity} ${passwordClause}`,
  );
}

/** Inside the service database: the schema belongs to the owner, the runtime role may only use it. */
async function grantRuntimePrivileges(db: ServiceDatabase, options: ProvisioningOptions): Promise<void> {
  const url = new URL(options.adminUrl);
  url.pathname = `/${db.database}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const owner = quoteIdent(db.ownerRole);
    const runtime = quoteIdent(db.runtimeRole);
    await client.query(`ALTER SCHEMA public OWNER TO ${owner}`);
    await client.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
    await client.query(`GRANT USAGE ON SCHEMA public TO ${runtime}, ${quoteIdent(db.maintenanceRole)}`);
    await client.query(
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${runtime}`,
    );
    await client.query(`ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${runtime}`);
  } finally {
    await client.end();
  }
}

/** Drops a service database and its roles (tests and `gardien` maintenance only). */
export async function dropServiceDatabase(db: ServiceDatabase, adminUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(db.database)} WITH (FORCE)`);
    for (const role of [db.runtimeRole, db.maintenanceRole, db.ownerRole]) {
      await admin.query(`DROP ROLE IF EXISTS ${quoteIdent(role)}`);
    }
  } finally {
    await admin.end();
  }
}
