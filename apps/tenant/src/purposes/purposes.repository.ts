// Queries of tenant_purposes, run in the caller's transaction (whose tenant row security applies); no rule here.
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CreatePurposeRequest, LegalBasis } from '@gardien/contracts';

export interface PurposeRow {
  tenant_id: string;
  id: string;
  name: string;
  legal_basis: LegalBasis;
  description: string | null;
  retention_days: number | null;
  created_at: Date;
}

const COLUMNS = 'tenant_id, id, name, legal_basis, description, retention_days, created_at';
/** As many as a PurposeList may carry. */
const LIST_LIMIT = 1_000;

@Injectable()
export class PurposesRepository {
  async insert(manager: EntityManager, tenantId: string, purpose: CreatePurposeRequest): Promise<PurposeRow> {
    const rows: PurposeRow[] = await manager.query(
      `INSERT INTO tenant_purposes (tenant_id, id, name, legal_basis, description, retention_days) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [tenantId, purpose.id, purpose.name, purpose.legal_basis, purpose.description ?? null, purpose.retention_days ?? null],
    );
    return rows[0]!;
  }

  async find(manager: EntityManager, tenantId: string, id: string): Promise<PurposeRow | undefined> {
    const rows: PurposeRow[] = await manager.query(`SELECT ${COLUMNS} FROM tenant_purposes WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
    return rows[0];
  }

  async list(manager: EntityManager, tenantId: string): Promise<PurposeRow[]> {
    return manager.query(`SELECT ${COLUMNS} FROM tenant_purposes WHERE tenant_id = $1 ORDER BY id LIMIT ${LIST_LIMIT}`, [tenantId]);
  }
}
