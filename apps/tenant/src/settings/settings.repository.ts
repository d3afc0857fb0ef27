// Queries of tenant_settings, run in the caller's transaction (whose tenant row security applies); no rule here.
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SettingsValues } from './settings-update.js';

export interface SettingsRow extends SettingsValues {
  tenant_id: string;
  updated_at: Date;
}

const COLUMNS = 'tenant_id, allowed_models, quotas, guards, retention_days, updated_at';

@Injectable()
export class SettingsRepository {
  async insert(manager: EntityManager, tenantId: string, values: SettingsValues): Promise<void> {
    await manager.query('INSERT INTO tenant_settings (tenant_id, allowed_models, quotas, guards, retention_days) VALUES ($1, $2, $3, $4, $5)', [
      tenantId,
      values.allowed_models,
      JSON.stringify(values.quotas),
      JSON.stringify(values.guards),
      JSON.stringify(values.retention_days),
    ]);
  }

  async find(manager: EntityManager, tenantId: string, forUpdate = false): Promise<SettingsRow | undefined> {
    const rows: SettingsRow[] = await manager.query(`SELECT ${COLUMNS} FROM tenant_settings WHERE tenant_id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [
      tenantId,
    ]);
    return rows[0];
  }

  async update(manager: EntityManager, tenantId: string, values: SettingsValues): Promise<SettingsRow> {
    // UPDATE answers [rows, count] through TypeORM.
    const [rows]: [SettingsRow[], number] = await manager.query(
      `UPDATE tenant_settings SET allowed_models = $2, quotas = $3, guards = $4, retention_days = $5, updated_at = now()
        WHERE tenant_id = $1 RETURNING ${COLUMNS}`,
      [tenantId, values.allowed_models, JSON.stringify(values.quotas), JSON.stringify(values.guards), JSON.stringify(values.retention_days)],
    );
    return rows[0]!;
  }
}
