// The writing half of stages 9 and 10: a call's use of the day and its audit entry, in one durable
// transaction, then what it changes in the quota counters. The settlements of a tenant's calls that
// wait go together (TenantBatches): two statements and one durable commit for the whole batch (the
// usage summed by day, model and key; the audit entries in one insert into the outbox). The counters
// change after, through the quota ledger's batches (asynchronous commits, with the admissions, and
// not waited for by the call: queued in order before any later admission of the tenant): a
// settlement never holds the counters every admission of the tenant waits for through a flush of
// the WAL. A failure to change them after the settlement committed is logged and leaves them as
// they were (the reservation counted instead of the use): the call is not settled twice. A call of
// no tenant (refused before it was known) has only its entry, written in a transaction of its own.
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuditEntry } from '@gardien/contracts';
import type { Logger } from '@gardien/observability';
import { TenantBatches, appendAllToOutbox, auditOutboxMessage } from '@gardien/persistence';
import { LOGGER } from '@gardien/platform';
import { QuotaLedger } from '../quota/quota-ledger.js';
import { UsageRepository } from '../usage/usage.repository.js';
import type { Metering } from './stages/meter.stage.js';

export interface CallSettlement {
  /** Null for a call of no tenant. */
  tenantId: string | null;
  /** Null when the call took nothing from the quotas (refused before the quota stage). */
  metering: Metering | null;
  audit: AuditEntry;
}

interface TenantSettlement {
  usage: Metering['usage'];
  audit: AuditEntry;
}

@Injectable()
export class CallSettlements {
  private readonly batches: TenantBatches<TenantSettlement, void>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly ledger: QuotaLedger,
    private readonly usage: UsageRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.batches = new TenantBatches(dataSource, (manager, settlements) => this.writeAll(manager, settlements));
  }

  /**
   * Writes the settlement, durably, then queues the change of the counters; resolves once the
   * settlement has committed (the counters change a moment later, before any admission of the
   * tenant this process is asked for after it).
   */
  async write(settlement: CallSettlement): Promise<void> {
    const { tenantId, metering, audit } = settlement;
    if (tenantId === null) {
      await this.dataSource.transaction((manager) => appendAllToOutbox(manager, [auditOutboxMessage(audit)]));
      return;
    }
    await this.batches.run(tenantId, { usage: metering?.usage ?? null, audit });
    if (!metering) return;
    void this.ledger.adjust(tenantId, metering.counters).catch((error: unknown) => {
      this.logger.error({ event: 'quota_not_settled', auditId: audit.id, code: (error as { code?: string }).code ?? null }, 'the quota counters of a settled call could not be changed');
    });
  }

  private async writeAll(manager: EntityManager, settlements: readonly TenantSettlement[]): Promise<void[]> {
    await this.usage.addAll(
      manager,
      settlements.flatMap(({ usage }) => (usage ? [usage] : [])),
    );
    await appendAllToOutbox(
      manager,
      settlements.map(({ audit }) => auditOutboxMessage(audit)),
    );
    return settlements.map(() => undefined);
  }
}
