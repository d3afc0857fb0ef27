// Short writes of one tenant that contend for the same rows (counters every call of the tenant
// updates), made for many items in one transaction rather than one transaction each. While a
// transaction of a tenant is under way, the items that arrive for that tenant wait, and go together
// in the next: one commit (one flush of the WAL), one hold of the contended rows, and as few
// statements as the flush makes for all of them (it is given every item of the batch at once).
// Under light load an item goes at once, alone; under heavy load the batches grow, the commits and
// the statements do not.
//
// A flush runs in the tenant's transaction (withTenant: its row security) and gives one result per
// item, in the order they came: a decision about one item (a refusal) is a result, not a throw. A
// flush that throws rolls the whole batch back; the batch is then flushed again one item per
// transaction, so that each gets its own result and only the failing one fails. A flush may
// therefore run more than once for an item: it must have no effect outside the transaction it is
// given. A batch whose commit fails (after its flush) is not run again: it may have committed, and
// each of its items fails with the commit's error.
//
// Flushes that lock rows must lock them in one order (a row every flush of the tenant locks first
// serves): two batches of two processes then wait for each other, never deadlock.
import type { DataSource, EntityManager } from 'typeorm';
import { withTenant, type TransactionSettings } from './tenant-context.js';

/** Makes the writes of `items` (all of `tenantId`) in `manager`'s transaction; one result per item, in their order. */
export type TenantFlush<I, O> = (manager: EntityManager, items: readonly I[], tenantId: string) => Promise<readonly O[]>;

export interface TenantBatchesOptions extends TransactionSettings {
  /** How many items go in one transaction at most. */
  maxBatch?: number;
}

interface Pending<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

const DEFAULT_MAX_BATCH = 64;

export class TenantBatches<I, O> {
  private readonly queues = new Map<string, Pending<I, O>[]>();
  /** The tenants' queues being flushed. */
  private readonly draining = new Set<Promise<void>>();
  private readonly maxBatch: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly flush: TenantFlush<I, O>,
    private readonly options: TenantBatchesOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
  }

  /** Writes `item` in a transaction of the tenant's, with its other items waiting; its result once committed. */
  run(tenantId: string, item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      const pending: Pending<I, O> = { item, resolve, reject };
      const queue = this.queues.get(tenantId);
      if (queue) {
        queue.push(pending);
        return;
      }
      // No transaction of this tenant under way: this item starts one at once.
      this.queues.set(tenantId, [pending]);
      void this.drain(tenantId);
    });
  }

  /** Resolves once every item queued so far, of every tenant, has been written (or has failed). */
  async drained(): Promise<void> {
    while (this.draining.size > 0) await Promise.all([...this.draining]);
  }

  /** Flushes the tenant's queue batch after batch until it is empty. */
  private drain(tenantId: string): Promise<void> {
    const draining = (async () => {
      const queue = this.queues.get(tenantId)!;
      while (queue.length > 0) {
        const batch = queue.splice(0, this.maxBatch);
        await this.runBatch(tenantId, batch);
      }
      this.queues.delete(tenantId);
    })();
    this.draining.add(draining);
    return draining.finally(() => this.draining.delete(draining));
  }

  private async runBatch(tenantId: string, batch: Pending<I, O>[]): Promise<void> {
    let results: readonly O[];
    let flushed = false;
    try {
      results = await withTenant(
        this.dataSource,
        tenantId,
        async (manager) => {
          const out = await this.flush(manager, batch.map((pending) => pending.item), tenantId);
          if (out.length !== batch.length) throw new Error(`a flush gave ${out.length} results for ${batch.length} items`);
          flushed = true;
          return out;
        },
        this.options,
      );
    } catch (error) {
      // Failed at its commit (the connection lost while committing, say): whether it committed is
      // not known, and running its items again could apply them twice. Each fails, once.
      if (flushed || batch.length === 1) {
        for (const pending of batch) pending.reject(error);
        return;
      }
      // A statement failed, and the batch was rolled back: which item, and whether the others
      // would have committed, is learnt by flushing each again, alone.
      for (const pending of batch) await this.runBatch(tenantId, [pending]);
      return;
    }
    batch.forEach((pending, index) => pending.resolve(results[index]!));
  }
}
