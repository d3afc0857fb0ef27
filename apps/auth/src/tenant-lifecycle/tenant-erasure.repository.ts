// Queries that delete every auth row of a tenant, and nothing else. They run inside the caller's
// transaction, whose tenant (row-level security) is the one being erased; each statement also
// names the tenant, so that a transaction set for another tenant deletes nothing.
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface ErasedRows {
  users: number;
  sessions: number;
  apiKeys: number;
  retentionOverrides: number;
}

@Injectable()
export class TenantErasureRepository {
  async deleteAllOf(manager: EntityManager, tenantId: string): Promise<ErasedRows> {
    const apiKeys = await deleteWhereTenant(manager, 'auth_api_keys', tenantId);
    // Refresh tokens go with their session (ON DELETE CASCADE).
    const sessions = await deleteWhereTenant(manager, 'auth_sessions', tenantId);
    const users = await deleteWhereTenant(manager, 'auth_users', tenantId);
    const retentionOverrides = await deleteWhereTenant(manager, 'gardien_retention_overrides', tenantId);
    return { users, sessions, apiKeys, retentionOverrides };
  }
}

type TenantTable = 'auth_api_keys' | 'auth_sessions' | 'auth_users' | 'gardien_retention_overrides';

async function deleteWhereTenant(manager: EntityManager, table: TenantTable, tenantId: string): Promise<number> {
  const [, count]: [unknown[], number] = await manager.query(`DELETE FROM ${table} WHERE tenant_id = $1`, [tenantId]);
  return count;
}
