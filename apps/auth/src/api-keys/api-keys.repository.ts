// Queries on auth_api_keys, inside the caller's transaction (tenant set for row-level security).
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Role } from '@gardien/contracts';

export interface ApiKeyRow {
  id: string;
  tenant_id: string;
  owner_id: string;
  name: string;
  purpose: string;
  models: string[] | null;
  key_hash: string;
  expires_at: Date | null;
  revoked_at: Date | null;
  created_at: Date;
}

export interface ApiKeyWithOwner extends ApiKeyRow {
  owner_roles: Role[] | null;
  owner_mfa: boolean | null;
}

const COLUMN_NAMES = ['id', 'tenant_id', 'owner_id', 'name', 'purpose', 'models', 'key_hash', 'expires_at', 'revoked_at', 'created_at'] as const;
const COLUMNS = COLUMN_NAMES.join(', ');
/** The same, of `auth_api_keys k` in a join. */
const KEY_COLUMNS = COLUMN_NAMES.map((column) => `k.${column}`).join(', ');

@Injectable()
export class ApiKeysRepository {
  async insert(manager: EntityManager, row: Omit<ApiKeyRow, 'revoked_at'>): Promise<void> {
    await manager.query(
      'INSERT INTO auth_api_keys (id, tenant_id, owner_id, name, purpose, models, key_hash, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
      [row.id, row.tenant_id, row.owner_id, row.name, row.purpose, row.models, row.key_hash, row.expires_at, row.created_at],
    );
  }

  async findById(manager: EntityManager, id: string, forUpdate = false): Promise<ApiKeyRow | undefined> {
    const [row]: ApiKeyRow[] = await manager.query(`SELECT ${COLUMNS} FROM auth_api_keys WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
    return row;
  }

  async list(manager: EntityManager, limit: number): Promise<ApiKeyRow[]> {
    return manager.query(`SELECT ${COLUMNS} FROM auth_api_keys ORDER BY created_at, id LIMIT $1`, [limit]);
  }

  async revoke(manager: EntityManager, id: string, now: Date): Promise<void> {
    await manager.query('UPDATE auth_api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL', [id, now]);
  }

  async replaceSecret(manager: EntityManager, id: string, keyHash: string): Promise<void> {
    await manager.query('UPDATE auth_api_keys SET key_hash = $2 WHERE id = $1', [id, keyHash]);
  }

  /** Revokes every live key of an owner; answers the ids it revoked. */
  async revokeAllOwnedBy(manager: EntityManager, ownerId: string, now: Date): Promise<string[]> {
    // UPDATE ... RETURNING answers [rows, count] through TypeORM.
    const [rows]: [Array<{ id: string }>, number] = await manager.query(
      'UPDATE auth_api_keys SET revoked_at = $2 WHERE owner_id = $1 AND revoked_at IS NULL RETURNING id',
      [ownerId, now],
    );
    return rows.map((row) => row.id);
  }

  /** A key with what the exchange must know of its owner now: its roles and whether it has a second factor (null: no such owner). */
  async findWithOwner(manager: EntityManager, id: string): Promise<ApiKeyWithOwner | undefined> {
    const [row]: ApiKeyWithOwner[] = await manager.query(
      `SELECT ${KEY_COLUMNS}, u.roles AS owner_roles, u.totp_confirmed AS owner_mfa
         FROM auth_api_keys k LEFT JOIN auth_users u ON u.id = k.owner_id
        WHERE k.id = $1`,
      [id],
    );
    return row;
  }

  async touch(manager: EntityManager, id: string, now: Date): Promise<void> {
    await manager.query('UPDATE auth_api_keys SET last_used_at = $2 WHERE id = $1', [id, now]);
  }
}
