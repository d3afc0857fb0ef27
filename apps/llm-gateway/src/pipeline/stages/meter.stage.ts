// Stage 9: counts what the call used, in the transaction that also writes its audit entry: the
// tenant's usage of the day (by model and API key), and its quotas, whose reservation is replaced
// by the tokens the runtime counted. A call that never reached the model gives its reservation back.
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { QuotaLedger, type Admission } from '../../quota/quota-ledger.js';
import { UsageRepository } from '../../usage/usage.repository.js';

export interface MeteredUse {
  tenantId: string;
  apiKeyId: string | null;
  model: string;
  admission: Admission;
  promptTokens: number;
  completionTokens: number;
}

@Injectable()
export class MeterStage {
  constructor(
    private readonly usage: UsageRepository,
    private readonly ledger: QuotaLedger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async record(manager: EntityManager, use: MeteredUse): Promise<void> {
    // The quota counters first, in the ledger's order, as every transaction of the tenant takes them.
    await this.ledger.settle(manager, use.admission, use.promptTokens + use.completionTokens);
    await this.usage.add(manager, {
      tenantId: use.tenantId,
      day: this.now().toISOString().slice(0, 10),
      model: use.model,
      apiKeyId: use.apiKeyId,
      promptTokens: use.promptTokens,
      completionTokens: use.completionTokens,
    });
  }

  /** The call never reached the model: its request and reservation go back to the quotas. */
  release(manager: EntityManager, admission: Admission): Promise<void> {
    return this.ledger.release(manager, admission);
  }
}
