// The provisioning of one service's database, by the one-shot step (`gardien provision`) that
// alone holds the administrator's URL: the database and its three roles, the privileges of each,
// and the logins the step hands out. Every role has its own random password (never derived from
// anything), set as a SCRAM verifier computed here, so that no statement carries a password.
// The owner, which owns the tables and could switch row-level security off, may log in only
// while the step runs: it gets a fresh password for this run, used by the migrations and by
// nothing else, and loses its login at the end. Steps for the same database running at once
// (two operators, a replica started with `gardien start --only`) are serialised by an advisory
// lock of the administrator's session, held from begin() to finish().
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { quoteIdent, quoteLiteral } from './sql.js';
import { scramSha256Verifier } from './scram-verifier.js';
import { urlFor, type ServiceDatabase } from './service-database.js';

/** The passwords of the roles a service logs in as; without a maintenance one, that role may not log in. */
export interface ServiceLogins {
  runtime: string;
  maintenance?: string;
}

/** A new role password: 256 random bits, URL-safe. */
export function newRolePassword(): string {
  return randomBytes(32).toString('base64url');
}

type RowSecurity = 'NOBYPASSRLS' | 'BYPASSRLS';

export class ServiceDatabaseProvisioning {
  private constructor(
    readonly db: ServiceDatabase,
    private readonly adminUrl: string,
    private readonly admin: pg.Client,
  ) {}

  /** Connects as the administrator and waits for any other step on the same database to finish. */
  static async begin(db: ServiceDatabase, adminUrl: string): Promise<ServiceDatabaseProvisioning> {
    const admin = new pg.Client({ connectionString: adminUrl, application_name: 'gardien-provision' });
    await admin.connect();
    try {
      await admin.query('SELECT pg_advisory_lock(hashtext($1))', [`gardien-provision:${db.database}`]);
    } catch (error) {
      await admin.end();
      throw error;
    }
    return new ServiceDatabaseProvisioning(db, adminUrl, admin);
  }

  /**
   * Creates what is missing (roles, database) and sets the privileges; returns whether the
   * database was created, and the owner's URL for the migrations of this run.
   */
  async prepare(): Promise<{ created: boolean; ownerUrl: string }> {
    const { db, admin } = this;
    const ownerPassword = newRolePassword();
    await this.ensureRole(db.ownerRole, 'NOBYPASSRLS', ownerPassword);
    await this.ensureRole(db.runtimeRole, 'NOBYPASSRLS');
    await this.ensureRole(db.maintenanceRole, 'BYPASSRLS');
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [db.database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${quoteIdent(db.database)} OWNER ${quoteIdent(db.ownerRole)}`);
    await admin.query(`REVOKE ALL ON DATABASE ${quoteIdent(db.database)} FROM PUBLIC`);
    await admin.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${quoteIdent(db.database)} TO ${quoteIdent(db.runtimeRole)}`);
    await admin.query(`GRANT CONNECT ON DATABASE ${quoteIdent(db.database)} TO ${quoteIdent(db.maintenanceRole)}`);
    await this.grantSchemaPrivileges();
    return { created: exists.rowCount === 0, ownerUrl: urlFor(this.adminUrl, db.database, db.ownerRole, ownerPassword) };
  }

  /** Lets the runtime role (and, given a password, the maintenance role) log in with these passwords. */
  async grantLogins(logins: ServiceLogins): Promise<void> {
    await this.setLogin(this.db.runtimeRole, logins.runtime);
    await this.setLogin(this.db.maintenanceRole, logins.maintenance);
  }

  /** The URL of one of the service's roles, on the administrator's server. */
  urlOf(role: string, password: string): string {
    return urlFor(this.adminUrl, this.db.database, role, password);
  }

  /** Takes the owner's login away, releases the lock, disconnects. Always call it, also after a failure. */
  async finish(): Promise<void> {
    try {
      await this.setLogin(this.db.ownerRole, undefined);
      await this.admin.query('SELECT pg_advisory_unlock(hashtext($1))', [`gardien-provision:${this.db.database}`]);
    } finally {
      await this.admin.end();
    }
  }

  /** A role created without a login; its attributes are (re)asserted on every run. */
  private async ensureRole(role: string, rowSecurity: RowSecurity, password?: string): Promise<void> {
    const found = await this.admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    const verb = found.rowCount === 0 ? 'CREATE' : 'ALTER';
    await this.admin.query(`${verb} ROLE ${quoteIdent(role)} NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION ${rowSecurity}`);
    if (verb === 'CREATE' || password) await this.setLogin(role, password);
  }

  private async setLogin(role: string, password: string | undefined): Promise<void> {
    const login = password ? `LOGIN PASSWORD ${quoteLiteral(scramSha256Verifier(password))}` : 'NOLOGIN PASSWORD NULL';
    await this.admin.query(`ALTER ROLE ${quoteIdent(role)} ${login}`);
  }

  /** Inside the service database: the schema belongs to the owner, the runtime role may only use it. */
  private async grantSchemaPrivileges(): Promise<void> {
    const url = new URL(this.adminUrl);
    url.pathname = `/${this.db.database}`;
    const client = new pg.Client({ connectionString: url.toString(), application_name: 'gardien-provision' });
    await client.connect();
    try {
      const owner = quoteIdent(this.db.ownerRole);
      const runtime = quoteIdent(this.db.runtimeRole);
      await client.query(`ALTER SCHEMA public OWNER TO ${owner}`);
      await client.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
      await client.query(`GRANT USAGE ON SCHEMA public TO ${runtime}, ${quoteIdent(this.db.maintenanceRole)}`);
      await client.query(`ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${runtime}`);
      await client.query(`ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${runtime}`);
    } finally {
      await client.end();
    }
  }
}
