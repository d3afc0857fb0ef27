// Tenants: created, suspended, resumed and deleted by the super-admin (creation and deletion also
// by the auth service, for `gardien bootstrap` and its compensation); resolved for the auth service
// at login. Changes to a tenant run in that tenant's own context; only the look-ups across tenants
// (list, resolve) run in the platform context.
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  PLATFORM_TENANT_ID,
  type CreateTenantRequest,
  type Caller,
  type Empty,
  type GardienError,
  type ResolveTenantRequest,
  type ResolvedTenant,
  type Tenant,
  type TenantList,
  type TenantStatus,
} from '@gardien/contracts';
import { AuthzReason, authorize, authzError, defineAbilityFor, isAllowed, type AppAbility } from '@gardien/authz';
import { isUniqueViolation, withTenant } from '@gardien/persistence';
import { recordChange, type TenantServiceChange } from '../change-log.js';
import { DEFAULT_TENANT_SETTINGS } from '../settings/settings-update.js';
import { SettingsRepository } from '../settings/settings.repository.js';
import { TenantReason, tenantError } from '../tenant.errors.js';
import { TenantKeys } from './tenant-keys.js';
import { TenantsRepository, type TenantRow } from './tenants.repository.js';

@Injectable()
export class TenantsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tenants: TenantsRepository,
    private readonly settings: SettingsRepository,
    private readonly keys: TenantKeys,
  ) {}

  /** A new active tenant with the default settings. CONFLICT if the slug is taken. */
  async create(caller: Caller, request: CreateTenantRequest): Promise<Tenant> {
    const id = randomUUID();
    authorize(defineAbilityFor(caller.principal), 'create', 'Tenant', { id });
    try {
      return await withTenant(this.dataSource, id, async (manager) => {
        const row = await this.tenants.insert(manager, { id, slug: request.slug, name: request.name });
        await this.settings.insert(manager, id, DEFAULT_TENANT_SETTINGS);
        await recordChange(manager, caller, { action: 'tenant.created', tenantId: id, targetId: id });
        return toTenant(row);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw tenantError(TenantReason.TenantSlugTaken);
      throw error;
    }
  }

  async list(caller: Caller): Promise<TenantList> {
    const ability = defineAbilityFor(caller.principal);
    if (!mayReadEveryTenant(ability)) throw forbidden();
    const rows = await withTenant(this.dataSource, PLATFORM_TENANT_ID, (manager) => this.tenants.list(manager));
    return { tenants: rows.filter((row) => isAllowed(ability, 'read', 'Tenant', { id: row.id })).map(toTenant) };
  }

  async get(caller: Caller, id: string): Promise<Tenant> {
    authorize(defineAbilityFor(caller.principal), 'read', 'Tenant', { id });
    const row = await withTenant(this.dataSource, id, (manager) => this.tenants.findById(manager, id));
    if (!row) throw notFound();
    return toTenant(row);
  }

  suspend(caller: Caller, id: string): Promise<Tenant> {
    return this.changeStatus(caller, id, 'suspended', 'tenant.suspended');
  }

  resume(caller: Caller, id: string): Promise<Tenant> {
    return this.changeStatus(caller, id, 'active', 'tenant.resumed');
  }

  /**
   * Destroys the tenant's keys in this service, then deletes its rows (tenant, settings, purposes).
   * Keys first: if the rows' deletion then fails, the call can simply be repeated, whereas the
   * other order could leave keys behind a tenant that no longer exists.
   */
  async delete(caller: Caller, id: string): Promise<Empty> {
    authorize(defineAbilityFor(caller.principal), 'delete', 'Tenant', { id });
    const existing = await withTenant(this.dataSource, id, (manager) => this.tenants.findById(manager, id));
    if (!existing) throw notFound();
    // From here on, the id read back from the row: the KMS names keys by the exact string, and the
    // event tells other services which keys to destroy.
    const tenantId = existing.id;
    await this.keys.destroy(tenantId);
    await withTenant(this.dataSource, tenantId, async (manager) => {
      if (!(await this.tenants.findById(manager, tenantId, true))) throw notFound();
      await this.tenants.delete(manager, tenantId);
      await recordChange(manager, caller, { action: 'tenant.deleted', tenantId, targetId: tenantId, details: { keysDestroyed: true } });
    });
    return {};
  }

  /** A tenant by slug (login) or id (refresh), for callers granted `resolve` (the auth service). NOT_FOUND if unknown or deleted. */
  async resolve(caller: Caller, request: ResolveTenantRequest): Promise<ResolvedTenant> {
    const ability = defineAbilityFor(caller.principal);
    // Refused before the lookup, so that the answer says nothing of what exists; then checked on the tenant found.
    if (!ability.can('resolve', 'Tenant')) throw forbidden();
    const row = await withTenant(this.dataSource, PLATFORM_TENANT_ID, (manager) =>
      'slug' in request ? this.tenants.findBySlug(manager, request.slug) : this.tenants.findById(manager, request.id),
    );
    if (!row) throw notFound();
    authorize(ability, 'resolve', 'Tenant', { id: row.id });
    return { id: row.id, slug: row.slug, status: row.status };
  }

  /** Suspending a suspended tenant (or resuming an active one) changes nothing and records nothing. */
  private async changeStatus(caller: Caller, id: string, status: TenantStatus, action: TenantServiceChange): Promise<Tenant> {
    // Resuming lifts a suspension: the same authority as suspending.
    authorize(defineAbilityFor(caller.principal), 'suspend', 'Tenant', { id });
    return withTenant(this.dataSource, id, async (manager) => {
      const current = await this.tenants.findById(manager, id, true);
      if (!current) throw notFound();
      if (current.status === status) return toTenant(current);
      const row = await this.tenants.setStatus(manager, current.id, status);
      await recordChange(manager, caller, { action, tenantId: current.id, targetId: current.id });
      return toTenant(row);
    });
  }
}

/**
 * Listing reads every tenant through the platform context, so it needs a grant to read any tenant
 * (a rule without conditions), not merely some tenant; each row is still checked on its own.
 */
function mayReadEveryTenant(ability: AppAbility): boolean {
  return ability.rulesFor('read', 'Tenant').some((rule) => !rule.inverted && !rule.conditions);
}

function toTenant(row: TenantRow): Tenant {
  return { id: row.id, slug: row.slug, name: row.name, status: row.status, created_at: row.created_at.toISOString() };
}

function notFound(): GardienError {
  return tenantError(TenantReason.TenantNotFound);
}

function forbidden(): GardienError {
  return authzError(AuthzReason.ActionNotAllowed);
}
