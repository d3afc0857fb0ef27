// Short writes of one tenant that contend for the same rows (counters every call of the tenant
// updates), run several in one transaction rather than one transaction each. While a transaction
// of a tenant is under way, the works that arrive for that tenant wait, and go together in the
// next: one commit (one flush of the WAL) and one hold of the contended rows for all of them,
// where each transaction of its own would hold the rows through its own commit. Under light load a
// work runs at once, alone; under heavy load the batches grow and the commits do not.
//
// Every work of a batch runs in the tenant's transaction (withTenant: its row security), in the
// order they came. A work that throws rolls the whole batch back; the batch is then run again one
// work per transaction, so that each gets its own result and only the failing one fails. A work
// may therefore run twice: it must have no effect outside the transaction it is given.
//
// Works that lock rows must lock them in one order (a row every work of the tenant locks first
// serves): two batches of two processes then wait for each other, never deadlock.
import type { DataSource, EntityManager } from 'typeorm';
import { withTenant } from './tenant-context.js';

export type TenantWork<T> = (manager: EntityManager) => Promise<T>;

interface Pending {
  work: TenantWork<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** How many works go in one transaction at most. */
const DEFAULT_MAX_BATCH = 64;

export class TenantWriteBatches {
  private readonly queues = new Map<string, Pending[]>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly maxBatch = DEFAULT_MAX_BATCH,
  ) {}

  /** Runs `work` in a transaction of the tenant's, with other works of the tenant that are waiting; its result once committed. */
  run<T>(tenantId: string, work: TenantWork<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const pending: Pending = { work, resolve: resolve as (value: unknown) => void, reject };
      const queue = this.queues.get(tenantId);
      if (queue) {
        queue.push(pending);
        return;
      }
      // No transaction of this tenant under way: this work starts one at once.
      this.queues.set(tenantId, [pending]);
      void this.drain(tenantId);
    });
  }

  /** Runs the tenant's queue batch after batch until it is empty. */
  private async drain(tenantId: string): Promise<void> {
    const queue = this.queues.get(tenantId)!;
    while (queue.length > 0) {
      const batch = queue.splice(0, this.maxBatch);
      await this.runBatch(tenantId, batch);
    }
    this.queues.delete(tenantId);
  }

  private async runBatch(tenantId: string, batch: Pending[]): Promise<void> {
    let results: unknown[];
    try {
      results = await withTenant(this.dataSource, tenantId, async (manager) => {
        const done: unknown[] = [];
        for (const pending of batch) done.push(await pending.work(manager));
        return done;
      });
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      // Which work failed, and whether the others would have committed: each again, alone.
      for (const pending of batch) await this.runBatch(tenantId, [pending]);
      return;
    }
    batch.forEach((pending, index) => pending.resolve(results[index]));
  }
}
