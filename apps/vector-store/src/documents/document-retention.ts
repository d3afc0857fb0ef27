// How long a document is kept: the retention its purpose declares (the tenant service's purposes,
// `retention_days`), never more than the vector store's ceiling, DOCUMENT_RETENTION_DAYS. Fixed when
// the document is accepted (its `expires_at`); the retention purge removes it once past.
import { Injectable } from '@nestjs/common';
import { ServiceTokens } from '@gardien/authz';
import { BusClient, TENANT_OPERATIONS, callContextFor, type Caller, type LegalBasis } from '@gardien/contracts';
import { DOCUMENT_RETENTION_DAYS } from './document-personal-data.js';

/** The days a document of a purpose declaring `purposeDays` (null: none) is kept. */
export function documentRetentionDays(purposeDays: number | null): number {
  return purposeDays === null ? DOCUMENT_RETENTION_DAYS : Math.min(purposeDays, DOCUMENT_RETENTION_DAYS);
}

/** What the tenant declares of a purpose: its legal basis, and the retention of its documents (null: none). */
export interface DeclaredPurpose {
  legalBasis: LegalBasis;
  retentionDays: number | null;
}

/** A tenant's purpose as the tenant declares it, or undefined when it does not. */
export abstract class PurposeRetentions {
  abstract purposeOf(caller: Caller, tenantId: string, purpose: string): Promise<DeclaredPurpose | undefined>;
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

  async purposeOf(caller: Caller, tenantId: string, purpose: string): Promise<DeclaredPurpose | undefined> {
    const token = await this.tokens.forAudience('tenant', caller.requestId);
    const policy = await this.bus.call(TENANT_OPERATIONS.getModelPolicy, { tenant_id: tenantId }, callContextFor(caller, token));
    const declared = policy.purposes.find(({ id }) => id === purpose);
    return declared ? { legalBasis: declared.legal_basis, retentionDays: declared.retention_days ?? null } : undefined;
  }
}
