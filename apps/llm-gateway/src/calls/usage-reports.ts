// A tenant's usage by day, model and API key, for those who may read its settings (its admin).
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuthzReason, authorize, authzError, defineAbilityFor } from '@gardien/authz';
import { USAGE_ROWS, type Caller, type LlmUsageQuery, type LlmUsageReport } from '@gardien/contracts';
import { withTenant } from '@gardien/persistence';
import { GatewayReason, gatewayError } from '../llm-gateway.errors.js';
import { UsageRepository } from '../usage/usage.repository.js';

@Injectable()
export class UsageReports {
  constructor(
    private readonly dataSource: DataSource,
    private readonly usage: UsageRepository,
  ) {}

  async of(caller: Caller, query: LlmUsageQuery): Promise<LlmUsageReport> {
    const { tenantId } = caller;
    if (tenantId === null) throw authzError(AuthzReason.ActionNotAllowed);
    authorize(defineAbilityFor(caller.principal), 'read', 'TenantSettings', { tenantId });
    const rows = await withTenant(this.dataSource, tenantId, (manager) => this.usage.list(manager, tenantId, query.from, query.to, USAGE_ROWS + 1));
    if (rows.length > USAGE_ROWS) throw gatewayError(GatewayReason.UsageRangeTooLarge);
    return { rows };
  }
}
