// How long a document is kept: the retention its purpose declares (the tenant service's purposes,
// `retention_days`), never more than the vector store's ceiling, DOCUMENT_RETENTION_DAYS. Fixed when
// the document is accepted (its `expires_at`); the retention purge removes it once past.
import { Injectable } from '@nestjs/common';
import { ServiceTokens } from '@gardien/authz';
import { BusClient, TENANT_OPERATIONS, callContextFor, type Caller } from '@gardien/contracts';
import { DOCUMENT_RETENTION_DAYS } from './document-personal-data.js';

/** The days a document of a purpose declaring `purposeDays` (null: none) is kept. */
export function documentRetentionDays(purposeDays: number | null): number {
  return purposeDays === null ? DOCUMENT_RETENTION_DAYS : Math.min(purposeDays, DOCUMENT_RETENTION_DAYS);
}

/** The retention a tenant's purpose declares, or null when it declares none (or is not declared: its embedding fails then). */
export abstract class PurposeRetentions {
  abstract daysOf(caller: Caller, tenantId: string, purpose: string): Promise<number | null>;
}

/**
 * From the tenant's policy, asked of the tenant service with the vector store's own token (the
 * caller may be a user who may not read purposes). Asked at each acceptance: a tenant service that
 * cannot answer refuses the document, never one kept longer than its purpose allows.
 */
@Injectable()
export class TenantPurposeRetentions extends PurposeRetentions {
  constructor(
    private readonly bus: BusClient,
    private readonly tokens: ServiceTokens,
  ) {
    super();
  }

  async daysOf(caller: Caller, tenantId: string, purpose: string): Promise<number | null> {
    const token = await this.tokens.forAudience('tenant', caller.requestId);
    const policy = await this.bus.call(TENANT_OPERATIONS.getModelPolicy, { tenant_id: tenantId }, callContextFor(caller, token));
    return policy.purposes.find(({ id }) => id === purpose)?.retention_days ?? null;
  }
}
