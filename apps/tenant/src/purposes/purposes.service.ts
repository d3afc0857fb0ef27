// The purposes of processing of the caller's own tenant: declared by its tenant admin, read by
// those allowed to read them (tenant admin, DPO, developer). The tenant is always the caller's,
// never one named in the request: another tenant's purpose is simply not found.
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { purposeAuditRef, type Caller, type CreatePurposeRequest, type Purpose, type PurposeList } from '@gardien/contracts';
import { AuthzReason, authorize, authzError, defineAbilityFor, type SubjectActions } from '@gardien/authz';
import { isUniqueViolation, withTenant } from '@gardien/persistence';
import { recordChange } from '../change-log.js';
import { TenantReason, tenantError } from '../tenant.errors.js';
import { PurposesRepository, type PurposeRow } from './purposes.repository.js';

@Injectable()
export class PurposesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly purposes: PurposesRepository,
  ) {}

  async create(caller: Caller, request: CreatePurposeRequest): Promise<Purpose> {
    const tenantId = this.authorizedTenant(caller, 'create');
    try {
      return await withTenant(this.dataSource, tenantId, async (manager) => {
        const row = await this.purposes.insert(manager, tenantId, request);
        await recordChange(manager, caller, {
          action: 'purpose.created',
          tenantId,
          targetId: purposeAuditRef(tenantId, row.id),
          details: { legalBasis: row.legal_basis.replaceAll('_', '-') },
          eventIds: { purposeId: row.id },
        });
        return toPurpose(row);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw tenantError(TenantReason.PurposeIdTaken);
      throw error;
    }
  }

  async list(caller: Caller): Promise<PurposeList> {
    const tenantId = this.authorizedTenant(caller, 'read');
    const rows = await withTenant(this.dataSource, tenantId, (manager) => this.purposes.list(manager, tenantId));
    return { purposes: rows.map(toPurpose) };
  }

  async get(caller: Caller, id: string): Promise<Purpose> {
    const tenantId = this.authorizedTenant(caller, 'read');
    const row = await withTenant(this.dataSource, tenantId, (manager) => this.purposes.find(manager, tenantId, id));
    if (!row) throw tenantError(TenantReason.PurposeNotFound);
    return toPurpose(row);
  }

  /** The caller's tenant, once the caller may act on its purposes; callers of no tenant may not. */
  private authorizedTenant(caller: Caller, action: SubjectActions['Purpose']): string {
    const { tenantId } = caller;
    if (tenantId === null) throw authzError(AuthzReason.ActionNotAllowed);
    authorize(defineAbilityFor(caller.principal), action, 'Purpose', { tenantId });
    return tenantId;
  }
}

function toPurpose(row: PurposeRow): Purpose {
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    name: row.name,
    legal_basis: row.legal_basis,
    description: row.description,
    retention_days: row.retention_days,
    created_at: row.created_at.toISOString(),
  };
}
