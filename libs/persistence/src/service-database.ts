// Names and URLs of a service's database and of its two roles: the owner (runs migrations,
// owns the tables) and the runtime role (no ownership, NOSUPERUSER, NOBYPASSRLS).
import { createHmac } from 'node:crypto';

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
 * The password of a role, derived from one operator secret so that every role has its own
 * without a file per role. Without a secret (local trust authentication) roles have none.
 */
export function rolePassword(secret: string | undefined, role: string): string | undefined {
  if (!secret) return undefined;
  return createHmac('sha256', secret).update(`gardien-db-role:${role}`).digest('base64url');
}

/** The URL that connects as `role` to `database`, on the same server as `adminUrl`. */
export function urlFor(adminUrl: string, database: string, role: string, password?: string): string {
  const url = new URL(adminUrl);
  url.username = role;
  url.password = password ?? '';
  url.pathname = `/${database}`;
  return url.toString();
}
