// The tenant of a transaction, set from the verified token and visible to row-level security
// policies through current_setting('gardien.tenant_id'). It lasts until the transaction ends.
import type { DataSource, EntityManager } from 'typeorm';

export const TENANT_SETTING = 'gardien.tenant_id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function withTenant<T>(dataSource: DataSource, tenantId: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  if (!UUID.test(tenantId)) throw new Error('tenant id must be a uuid');
  return dataSource.transaction(async (manager) => {
    await setTenant(manager, tenantId);
    return work(manager);
  });
}

/** Sets (or switches) the tenant of the transaction `manager` runs in, until it ends. */
export async function setTenant(manager: EntityManager, tenantId: string): Promise<void> {
  if (!UUID.test(tenantId)) throw new Error('tenant id must be a uuid');
  await manager.query('SELECT set_config($1, $2, true)', [TENANT_SETTING, tenantId]);
}
