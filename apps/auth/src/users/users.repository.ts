// Queries on auth_users, and nothing else. Every method runs inside the caller's transaction,
// whose tenant (row-level security) the caller has set.
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Role } from '@gardien/contracts';

export interface UserRow {
  id: string;
  tenant_id: string;
  email: string;
  email_index: string;
  password_hash: string;
  roles: Role[];
  totp_secret: string | null;
  totp_confirmed: boolean;
  totp_last_step: string | null;
  created_at: Date;
  updated_at: Date;
}

export type NewUserRow = Omit<UserRow, 'totp_last_step' | 'updated_at'>;

const COLUMNS = 'id, tenant_id, email, email_index, password_hash, roles, totp_secret, totp_confirmed, totp_last_step, created_at, updated_at';

@Injectable()
export class UsersRepository {
  async insert(manager: EntityManager, row: NewUserRow): Promise<void> {
    await manager.query(
      `INSERT INTO auth_users (id, tenant_id, email, email_index, password_hash, roles, totp_secret, totp_confirmed, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`,
      [row.id, row.tenant_id, row.email, row.email_index, row.password_hash, row.roles, row.totp_secret, row.totp_confirmed, row.created_at],
    );
  }

  async findById(manager: EntityManager, id: string): Promise<UserRow | undefined> {
    const [row]: UserRow[] = await manager.query(`SELECT ${COLUMNS} FROM auth_users WHERE id = $1`, [id]);
    return row;
  }

  async findByEmailIndex(manager: EntityManager, emailIndex: string): Promise<UserRow | undefined> {
    const [row]: UserRow[] = await manager.query(`SELECT ${COLUMNS} FROM auth_users WHERE email_index = $1`, [emailIndex]);
    return row;
  }

  /** Locks the row until the transaction ends (TOTP step bookkeeping must not race). */
  async lockById(manager: EntityManager, id: string): Promise<UserRow | undefined> {
    const [row]: UserRow[] = await manager.query(`SELECT ${COLUMNS} FROM auth_users WHERE id = $1 FOR UPDATE`, [id]);
    return row;
  }

  async list(manager: EntityManager, limit: number): Promise<UserRow[]> {
    return manager.query(`SELECT ${COLUMNS} FROM auth_users ORDER BY created_at, id LIMIT $1`, [limit]);
  }

  async setRoles(manager: EntityManager, id: string, roles: Role[], now: Date): Promise<void> {
    await manager.query('UPDATE auth_users SET roles = $2, updated_at = $3 WHERE id = $1', [id, roles, now]);
  }

  async setTotp(manager: EntityManager, id: string, sealedSecret: string | null, confirmed: boolean, now: Date): Promise<void> {
    await manager.query('UPDATE auth_users SET totp_secret = $2, totp_confirmed = $3, totp_last_step = NULL, updated_at = $4 WHERE id = $1', [
      id,
      sealedSecret,
      confirmed,
      now,
    ]);
  }

  async confirmTotp(manager: EntityManager, id: string, step: number, now: Date): Promise<void> {
    await manager.query('UPDATE auth_users SET totp_confirmed = true, totp_last_step = $2, updated_at = $3 WHERE id = $1', [id, step, now]);
  }

  async recordTotpStep(manager: EntityManager, id: string, step: number): Promise<void> {
    await manager.query('UPDATE auth_users SET totp_last_step = $2 WHERE id = $1', [id, step]);
  }

  async setPasswordHash(manager: EntityManager, id: string, hash: string, now: Date): Promise<void> {
    await manager.query('UPDATE auth_users SET password_hash = $2, updated_at = $3 WHERE id = $1', [id, hash, now]);
  }

  async delete(manager: EntityManager, id: string): Promise<boolean> {
    const result: [unknown[], number] = await manager.query('DELETE FROM auth_users WHERE id = $1', [id]);
    return result[1] > 0;
  }

  /** Whether any super-admin exists; asked in the platform tenant, where the super-admin lives. */
  async superadminExists(manager: EntityManager): Promise<boolean> {
    const rows: unknown[] = await manager.query(`SELECT 1 FROM auth_users WHERE 'superadmin' = ANY (roles) LIMIT 1`);
    return rows.length > 0;
  }
}
