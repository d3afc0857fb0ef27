// Queries of tenant_tenants, run in the caller's transaction: the tenant's own context, or the
// platform context for look-ups across tenants. No rule here.
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { TenantStatus } from '@gardien/contracts';

export interface TenantRow {
  id: string;
  slug: string;
  name: string;
  status: TenantStatus;
  created_at: Date;
}

const COLUMNS = 'id, slug, name, status, created_at';
/** As many as a TenantList may carry. */
const LIST_LIMIT = 10_000;

@Injectable()
export class TenantsRepository {
  async insert(manager: EntityManager, tenant: { id: string; slug: string; name: string }): Promise<TenantRow> {
    const rows: TenantRow[] = await manager.query(
      `INSERT INTO tenant_tenants (id, tenant_id, slug, name) VALUES ($1, $1, $2, $3) RETURNING ${COLUMNS}`,
      [tenant.id, tenant.slug, tenant.name],
    );
    return rows[0]!;
  }

  async findById(manager: EntityManager, id: string, forUpdate = false): Promise<TenantRow | undefined> {
    const rows: TenantRow[] = await manager.query(`SELECT ${COLUMNS} FROM tenant_tenants WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
    return rows[0];
  }

  async findBySlug(manager: EntityManager, slug: string): Promise<TenantRow | undefined> {
    const rows: TenantRow[] = await manager.query(`SELECT ${COLUMNS} FROM tenant_tenants WHERE slug = $1`, [slug]);
    return rows[0];
  }

  async list(manager: EntityManager): Promise<TenantRow[]> {
    return manager.query(`SELECT ${COLUMNS} FROM tenant_tenants ORDER BY created_at, id LIMIT ${LIST_LIMIT}`);
  }

  async setStatus(manager: EntityManager, id: string, status: TenantStatus): Promise<TenantRow> {
    // UPDATE answers [rows, count] through TypeORM.
    const [rows]: [TenantRow[], number] = await manager.query(
      `UPDATE tenant_tenants SET status = $2, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, status],
    );
    return rows[0]!;
  }

  /** Deletes the tenant; its settings and purposes go with it (ON DELETE CASCADE). */
  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.query('DELETE FROM tenant_tenants WHERE id = $1', [id]);
  }
}
