// Stage 9: what the call used, as the changes its settlement writes (CallSettlements), in the
// transaction that also writes its audit entry: the tenant's usage of the day (by model and API
// key), and its quotas, whose reservation is replaced by the tokens the runtime counted. A call
// that never reached the model gives its reservation back.
import { Injectable } from '@nestjs/common';
import { QuotaLedger, type Admission } from '../../quota/quota-ledger.js';
import type { CounterDelta } from '../../quota/quota.repository.js';
import type { UsageIncrement } from '../../usage/usage.repository.js';

export interface MeteredUse {
  tenantId: string;
  apiKeyId: string | null;
  model: string;
  admission: Admission;
  promptTokens: number;
  completionTokens: number;
}

/** What a settlement changes in the quotas and the usage. */
export interface Metering {
  counters: readonly CounterDelta[];
  usage: UsageIncrement | null;
}

@Injectable()
export class MeterStage {
  constructor(
    private readonly ledger: QuotaLedger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  record(use: MeteredUse): Metering {
    return {
      counters: this.ledger.settlement(use.admission, use.promptTokens + use.completionTokens),
      usage: {
        tenantId: use.tenantId,
        day: this.now().toISOString().slice(0, 10),
        model: use.model,
        apiKeyId: use.apiKeyId,
        promptTokens: use.promptTokens,
        completionTokens: use.completionTokens,
      },
    };
  }

  /** The call never reached the model: its request and reservation go back to the quotas. */
  release(admission: Admission): Metering {
    return { counters: this.ledger.release(admission), usage: null };
  }
}
