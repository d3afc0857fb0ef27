// A tenant's settings: read by its tenant admin or the super-admin, changed by its tenant admin
// only. The check is made on the tenant the request names, before anything is read, and the work
// then runs in that tenant's context (never the platform's). A caller naming another tenant's id
// gets FORBIDDEN, whether that tenant exists or not, so the answer tells nothing about it. Any
// member may list the models it may call (models.list), which is all auth asks when a key names models.
// Retention overrides are checked against what the owning services declare (DeclaredRetention).
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AllowedModels, Caller, GardienError, OwnRetentionOverrides, TenantSettings, UpdateTenantSettingsRequest } from '@gardien/contracts';
import { authorize, callableModels, defineAbilityFor } from '@gardien/authz';
import { withTenant } from '@gardien/persistence';
import { recordChange } from '../change-log.js';
import { TenantReason, tenantError } from '../tenant.errors.js';
import { DeclaredRetention } from './declared-retention.js';
import { applySettingsUpdate, checkRetentionOverrides } from './settings-update.js';
import { SettingsRepository, type SettingsRow } from './settings.repository.js';

@Injectable()
export class SettingsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: SettingsRepository,
    private readonly declaredRetention: DeclaredRetention,
  ) {}

  async get(caller: Caller, tenantId: string): Promise<TenantSettings> {
    authorize(defineAbilityFor(caller.principal), 'read', 'TenantSettings', { tenantId });
    const row = await withTenant(this.dataSource, tenantId, (manager) => this.settings.find(manager, tenantId));
    if (!row) throw notFound();
    return toTenantSettings(row);
  }

  /**
   * The tenant's retention overrides of the categories the calling service owns (`<service>.<kind>`),
   * for it to apply: a service reads its own categories and no other's (the ability's condition).
   */
  async ownRetentionOverrides(caller: Caller, tenantId: string): Promise<OwnRetentionOverrides> {
    const service = caller.principal.id;
    authorize(defineAbilityFor(caller.principal), 'read', 'TenantRetention', { tenantId, service });
    const row = await withTenant(this.dataSource, tenantId, (manager) => this.settings.find(manager, tenantId));
    if (!row) throw notFound();
    const own = Object.entries(row.retention_days).filter(([category]) => category.startsWith(`${service}.`));
    return { tenant_id: tenantId, retention_days: Object.fromEntries(own) };
  }

  /**
   * The models the caller may call in its own tenant: those the tenant allows that its abilities let
   * it invoke for one of its purposes (an API key: its own models and purposes only). A caller who
   * may call no model gets an empty list, not a refusal: the list itself says nothing secret.
   */
  async allowedModels(caller: Caller): Promise<AllowedModels> {
    const { tenantId } = caller;
    if (tenantId === null) return { models: [] };
    const row = await withTenant(this.dataSource, tenantId, (manager) => this.settings.find(manager, tenantId));
    // Humans are not purpose-bound at this check (the gateway checks the purpose they declare).
    return { models: callableModels(caller.principal, tenantId, row?.allowed_models ?? []) };
  }

  /** Applies the update; one that changes nothing is neither written nor audited. */
  async update(caller: Caller, request: UpdateTenantSettingsRequest): Promise<TenantSettings> {
    const { tenant_id: tenantId, ...update } = request;
    authorize(defineAbilityFor(caller.principal), 'update', 'TenantSettings', { tenantId });
    if (update.retention_days) {
      const periods = await this.declaredRetention.periodsFor(Object.keys(update.retention_days), caller);
      checkRetentionOverrides(update.retention_days, periods);
    }
    return withTenant(this.dataSource, tenantId, async (manager) => {
      const current = await this.settings.find(manager, tenantId, true);
      if (!current) throw notFound();
      const { next, changed } = applySettingsUpdate(current, update);
      if (!changed.allowedModels && !changed.quotas && !changed.guards && !changed.retentionDays) return toTenantSettings(current);
      const row = await this.settings.update(manager, tenantId, next);
      await recordChange(manager, caller, {
        action: 'settings.updated',
        tenantId,
        targetId: tenantId,
        details: changed,
      });
      return toTenantSettings(row);
    });
  }
}

function toTenantSettings(row: SettingsRow): TenantSettings {
  return {
    tenant_id: row.tenant_id,
    allowed_models: row.allowed_models,
    quotas: row.quotas,
    guards: row.guards,
    retention_days: row.retention_days,
    updated_at: row.updated_at.toISOString(),
  };
}

function notFound(): GardienError {
  return tenantError(TenantReason.TenantSettingsNotFound);
}
