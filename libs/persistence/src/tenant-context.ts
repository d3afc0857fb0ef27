// The tenant of a transaction, set from the verified token and visible to row-level security
// policies through current_setting('gardien.tenant_id'). It lasts until the transaction ends.
import type { DataSource, EntityManager } from 'typeorm';

export const TENANT_SETTING = 'gardien.tenant_id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface TransactionSettings {
  /**
   * False: the commit returns before its WAL reaches the disk (synchronous_commit off, for this
   * transaction alone). A crash of Postgres then loses at most the last few hundred milliseconds of
   * such transactions, never a committed one of another kind: only for writes whose loss is bounded
   * and harmless (a quota admission), never for an audit entry. True (the default): durable.
   */
  synchronousCommit?: boolean;
}

export async function withTenant<T>(dataSource: DataSource, tenantId: string, work: (manager: EntityManager) => Promise<T>, settings: TransactionSettings = {}): Promise<T> {
  if (!UUID.test(tenantId)) throw new Error('tenant id must be a uuid');
  return dataSource.transaction(async (manager) => {
    if (settings.synchronousCommit === false) {
      await manager.query("SELECT set_config($1, $2, true), set_config('synchronous_commit', 'off', true)", [TENANT_SETTING, tenantId]);
    } else {
      await setTenant(manager, tenantId);
    }
    return work(manager);
  });
}

/** Sets (or switches) the tenant of the transaction `manager` runs in, until it ends. */
export async function setTenant(manager: EntityManager, tenantId: string): Promise<void> {
  if (!UUID.test(tenantId)) throw new Error('tenant id must be a uuid');
  await manager.query('SELECT set_config($1, $2, true)', [TENANT_SETTING, tenantId]);
}
