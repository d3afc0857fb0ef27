// What the gateway needs of a tenant to decide a model call, read in one transaction in the
// tenant's own context: its status, allowed models, quotas, guard actions and the legal basis of
// each of its purposes (with the retention a purpose declares, which the vector store reads). For
// callers that may read both the tenant's settings and its purposes (the gateway's and the vector
// store's service tokens; a tenant admin for their own tenant); anyone else gets FORBIDDEN before
// anything is read, whether the tenant exists or not.
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Caller, ModelPolicy } from '@gardien/contracts';
import { authorize, defineAbilityFor } from '@gardien/authz';
import { withTenant } from '@gardien/persistence';
import { PurposesRepository } from '../purposes/purposes.repository.js';
import { SettingsRepository } from '../settings/settings.repository.js';
import { TenantsRepository } from '../tenants/tenants.repository.js';
import { TenantReason, tenantError } from '../tenant.errors.js';

@Injectable()
export class ModelPolicyService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tenants: TenantsRepository,
    private readonly settings: SettingsRepository,
    private readonly purposes: PurposesRepository,
  ) {}

  async get(caller: Caller, tenantId: string): Promise<ModelPolicy> {
    const ability = defineAbilityFor(caller.principal);
    authorize(ability, 'read', 'TenantSettings', { tenantId });
    authorize(ability, 'read', 'Purpose', { tenantId });
    return withTenant(this.dataSource, tenantId, async (manager) => {
      const tenant = await this.tenants.findById(manager, tenantId);
      const settings = await this.settings.find(manager, tenantId);
      if (!tenant || !settings) throw tenantError(TenantReason.TenantSettingsNotFound);
      const purposes = await this.purposes.list(manager, tenantId);
      return {
        tenant_id: tenantId,
        active: tenant.status === 'active',
        allowed_models: settings.allowed_models,
        quotas: settings.quotas,
        guards: settings.guards,
        purposes: purposes.map(({ id, legal_basis, retention_days }) => ({ id, legal_basis, ...(retention_days === null ? {} : { retention_days }) })),
      };
    });
  }
}
