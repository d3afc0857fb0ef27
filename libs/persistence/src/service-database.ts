// Names and URLs of a service's database and of its three roles: the owner (owns the tables, runs
// the migrations, and may log in only while `gardien provision` runs), the runtime role (no
// ownership, NOSUPERUSER, NOBYPASSRLS) and the maintenance role of the retention purge.

export interface ServiceDatabase {
  service: string;
  database: string;
  ownerRole: string;
  runtimeRole: string;
  /**
   * Used only by the retention purge: it must see every tenant's expired rows, so it bypasses
   * row-level security; it may only read and delete the tables that declare a retention.
   */
  maintenanceRole: string;
}

const SERVICE_NAME = /^[a-z][a-z0-9-]{0,30}$/;

export function serviceDatabase(service: string, prefix = 'gardien'): ServiceDatabase {
  if (!SERVICE_NAME.test(service)) throw new Error(`invalid service name "${service}"`);
  if (!/^[a-z][a-z0-9_]{0,20}$/.test(prefix)) throw new Error(`invalid database prefix "${prefix}"`);
  const database = `${prefix}_${service.replaceAll('-', '_')}`;
  return { service, database, ownerRole: `${database}_owner`, runtimeRole: `${database}_app`, maintenanceRole: `${database}_maint` };
}

/**
 * The URL that connects as `role` to `database`, on the same server (and with the same parameters) as
 * `adminUrl`. The password is percent-encoded whole (the URL setter leaves `%` as it is), as libpq
 * and node-postgres decode it.
 */
export function urlFor(adminUrl: string, database: string, role: string, password?: string): string {
  const url = new URL(adminUrl);
  url.username = role;
  url.password = password ? encodeURIComponent(password) : '';
  url.pathname = `/${database}`;
  return url.toString();
}
