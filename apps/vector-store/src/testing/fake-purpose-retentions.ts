// PurposeRetentions for tests, in place of the tenant service: the retention each tenant's purpose
// declares, set by the test (none unless set), every question recorded.
import type { Caller } from '@gardien/contracts';
import { PurposeRetentions } from '../documents/document-retention.js';

export class FakePurposeRetentions extends PurposeRetentions {
  private readonly days = new Map<string, number>();
  readonly asked: Array<{ tenantId: string; purpose: string }> = [];

  declare(tenantId: string, purpose: string, days: number): void {
    this.days.set(`${tenantId}/${purpose}`, days);
  }

  async daysOf(_caller: Caller, tenantId: string, purpose: string): Promise<number | null> {
    this.asked.push({ tenantId, purpose });
    return this.days.get(`${tenantId}/${purpose}`) ?? null;
  }
}
