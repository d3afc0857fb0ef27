// A service checks at boot the roles it connects as: the runtime role owns nothing, cannot bypass
// row-level security and has no administrative attribute; the maintenance role bypasses row-level
// security (that is its job) and nothing more. A service given a superuser's or an owner's URL by
// mistake refuses to start rather than run with the power to read every tenant's rows. (Temporary
// tables, which the runtime role may create and which other replicas' sessions may hold, do not count.)
import type { DataSource } from 'typeorm';
import { ProvisioningError, ProvisioningErrorCode } from './provisioning-error.js';

export type ServiceRoleKind = 'runtime' | 'maintenance';

interface RoleAttributes {
  superuser: boolean;
  create_role: boolean;
  create_db: boolean;
  replication: boolean;
  bypass_rls: boolean;
  owns_database: boolean;
  owns_relations: boolean;
}

const WHAT_IT_MAY: Record<keyof RoleAttributes, string> = {
  superuser: 'is a superuser',
  create_role: 'may create roles',
  create_db: 'may create databases',
  replication: 'may replicate',
  bypass_rls: 'bypasses row-level security',
  owns_database: 'owns the database (or is a member of its owner)',
  owns_relations: 'owns tables',
};

export async function checkServiceRole(dataSource: DataSource, kind: ServiceRoleKind): Promise<void> {
  const [attributes] = await dataSource.query<RoleAttributes[]>(
    `SELECT r.rolsuper AS superuser, r.rolcreaterole AS create_role, r.rolcreatedb AS create_db, r.rolreplication AS replication,
            r.rolbypassrls AS bypass_rls, pg_has_role(current_user, d.datdba, 'MEMBER') AS owns_database,
            EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
                       AND pg_has_role(current_user, c.relowner, 'MEMBER')) AS owns_relations
       FROM pg_roles r, pg_database d WHERE r.rolname = current_user AND d.datname = current_database()`,
  );
  const refused = (Object.keys(WHAT_IT_MAY) as Array<keyof RoleAttributes>).filter(
    (attribute) => attributes?.[attribute] !== false && !(kind === 'maintenance' && attribute === 'bypass_rls'),
  );
  if (refused.length > 0) {
    throw new ProvisioningError(
      ProvisioningErrorCode.PrivilegedRole,
      `the ${kind} database role ${refused.map((attribute) => WHAT_IT_MAY[attribute]).join(', ')}: give the service its own ${kind} URL, written by gardien provision`,
    );
  }
}
