// PurposeRetentions for tests, in place of the tenant service: every purpose declared on a contract
// unless the test says otherwise, with the retention the test sets (none unless set); every
// question recorded.
import type { Caller, LegalBasis } from '@gardien/contracts';
import { PurposeRetentions, type DeclaredPurpose } from '../documents/document-retention.js';

export class FakePurposeRetentions extends PurposeRetentions {
  private readonly days = new Map<string, number>();
  private readonly bases = new Map<string, LegalBasis | 'undeclared'>();
  readonly asked: Array<{ tenantId: string; purpose: string }> = [];

  declare(tenantId: string, purpose: string, days: number): void {
    this.days.set(`${tenantId}/${purpose}`, days);
  }

  /** The purpose's legal basis, or that the tenant does not declare it. */
  basis(tenantId: string, purpose: string, basis: LegalBasis | 'undeclared'): void {
    this.bases.set(`${tenantId}/${purpose}`, basis);
  }

  async purposeOf(_caller: Caller, tenantId: string, purpose: string): Promise<DeclaredPurpose | undefined> {
    this.asked.push({ tenantId, purpose });
    const basis = this.bases.get(`${tenantId}/${purpose}`) ?? 'contract';
    return basis === 'undeclared' ? undefined : { legalBasis: basis, retentionDays: this.days.get(`${tenantId}/${purpose}`) ?? null };
  }
}
