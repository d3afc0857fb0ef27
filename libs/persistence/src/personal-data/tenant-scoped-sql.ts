// The SQL executor of the key stores of libs/crypto. Every key-store statement names its tenant
// as $1; each one runs in its own transaction of that tenant, so row-level security applies to
// the key tables as to any tenant table, and a long-lived key ring can serve every request.
import type { DataSource } from 'typeorm';
import type { SqlExecutor } from '@gardien/crypto';
import { withTenant } from '../tenant-context.js';

export function tenantScopedSql(dataSource: DataSource): SqlExecutor {
  return {
    query: (sql, parameters = []) => {
      const tenant = parameters[0];
      if (typeof tenant !== 'string') throw new Error('a key-store statement must name its tenant as $1');
      return withTenant(dataSource, tenant, (manager) => manager.query(sql, parameters));
    },
  };
}
