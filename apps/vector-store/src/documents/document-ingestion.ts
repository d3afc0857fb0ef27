// The background half of an ingestion: a document accepted (its row written, `processing`) is
// embedded batch by batch through the gateway, its progress (`chunks_done`) written after each
// batch, then stored whole (DocumentStore) or marked failed with a reason code, nothing of it left.
// A bounded number of documents are in hand per replica (started or waiting), and a tenant has a
// bounded number of them; a place is reserved synchronously, before the acceptance's first await
// (so that concurrent acceptances cannot all pass a check made before any of them is queued), and
// released if the acceptance fails. Documents start in turn by tenant, a tenant's in the order they
// came: at most `concurrency` of one tenant and `2 × concurrency` in all are started (holding
// vectors not yet stored). The work itself (each batch: its embedding and its progress; then the
// storing) takes a turn of FairTurns, `concurrency` at once, given to each tenant with work waiting
// in turn, so that a tenant that queued large documents holds another's up by a batch or two, not by
// whole documents. At shutdown the work stops and every unfinished document is marked failed
// (`interrupted`). A document deleted meanwhile stops its ingestion at the next batch.
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { GardienError, type Caller } from '@gardien/contracts';
import { VectorStoreReason, vectorStoreError } from '../vector-store.errors.js';
import type { Logger } from '@gardien/observability';
import { withTenant } from '@gardien/persistence';
import { LOGGER } from '@gardien/platform';
import type { VectorSpace } from '../vectors/vector-backend.port.js';
import { DocumentStore, type EmbeddedChunk } from './document-store.js';
import { DocumentsRepository, type DocumentRow } from './documents.repository.js';
import { EMBEDDING_BATCH, type EmbeddingSession } from './embedder.js';
import { FairTurns } from './fair-turns.js';

export const INGESTION_LIMITS = Symbol('INGESTION_LIMITS');
export interface IngestionLimits {
  /** Batches embedded (or documents stored) at once in this replica, shared by the tenants in turn. */
  concurrency: number;
  /** Documents in hand beyond `concurrency`: waiting for their turns. */
  queue: number;
  /** Documents of one tenant running or waiting (or being accepted) at once in this replica. */
  perTenant: number;
}

/** A place in the queue, reserved before an acceptance awaits anything: given to `enqueue`, or released. */
export interface IngestionSlot {
  readonly tenantId: string;
  /** Gives the place back if it was not used (an acceptance that failed); a no-op after `enqueue`. */
  release(): void;
}

class ReservedSlot implements IngestionSlot {
  state: 'reserved' | 'used' | 'released' = 'reserved';
  constructor(
    readonly tenantId: string,
    private readonly onRelease: (slot: ReservedSlot) => void,
  ) {}
  release(): void {
    if (this.state !== 'reserved') return;
    this.state = 'released';
    this.onRelease(this);
  }
}

export interface IngestionJob {
  caller: Caller;
  document: DocumentRow;
  space: VectorSpace;
  chunks: readonly string[];
  session: EmbeddingSession;
}

/** The reason code a failed ingestion records: the error's own reason, or what happened. */
export function failureReasonOf(error: unknown, stopped: boolean): string {
  if (stopped) return 'interrupted';
  if (error instanceof GardienError && error.reason) return error.reason;
  return 'internal';
}

/** Documents started (holding vectors not yet stored) at once in the replica, per `concurrency`. */
export const STARTED_PER_TURN = 2;

@Injectable()
export class DocumentIngestion implements OnModuleDestroy {
  /** Documents started, each one's work under way (or waiting for its next turn). */
  private readonly running = new Set<Promise<void>>();
  /** Documents accepted, not started: each tenant's in order; the Map's order is the round of tenants. */
  private readonly waiting = new Map<string, IngestionJob[]>();
  private waitingCount = 0;
  /** Each tenant's started documents. */
  private readonly startedBy = new Map<string, number>();
  private readonly turns: FairTurns;
  private readonly stopping = new AbortController();
  /** Places reserved by acceptances under way, not yet queued. */
  private reserved = 0;
  /** Each tenant's documents reserved, waiting or running. */
  private readonly byTenant = new Map<string, number>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: DocumentsRepository,
    private readonly store: DocumentStore,
    @Inject(INGESTION_LIMITS) private readonly limits: IngestionLimits,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.turns = new FairTurns(limits.concurrency);
  }

  /**
   * Reserves a place, synchronously: refused (503 ingestion_queue_full) when the replica's
   * documents in hand and reserved fill `concurrency + queue`, or (429
   * ingestion_tenant_limit) when the tenant's fill `perTenant`.
   */
  reserve(tenantId: string): IngestionSlot {
    if (this.stopping.signal.aborted || this.running.size + this.waitingCount + this.reserved >= this.limits.concurrency + this.limits.queue) {
      throw vectorStoreError(VectorStoreReason.IngestionQueueFull, { retryAfterSeconds: 5 });
    }
    if ((this.byTenant.get(tenantId) ?? 0) >= this.limits.perTenant) throw vectorStoreError(VectorStoreReason.IngestionTenantLimit, { retryAfterSeconds: 5 });
    this.reserved++;
    this.byTenant.set(tenantId, (this.byTenant.get(tenantId) ?? 0) + 1);
    return new ReservedSlot(tenantId, () => {
      this.reserved--;
      this.untrack(tenantId);
    });
  }

  /** Queues the job in the place reserved for it, behind the tenant's earlier ones. */
  enqueue(slot: IngestionSlot, job: IngestionJob): void {
    if (!(slot instanceof ReservedSlot) || slot.state !== 'reserved' || slot.tenantId !== job.document.tenant_id) throw new Error('an ingestion queued without its reserved place');
    slot.state = 'used';
    this.reserved--;
    const line = this.waiting.get(slot.tenantId);
    if (line) line.push(job);
    else this.waiting.set(slot.tenantId, [job]);
    this.waitingCount++;
    this.pump();
  }

  private untrack(tenantId: string): void {
    const left = (this.byTenant.get(tenantId) ?? 1) - 1;
    if (left > 0) this.byTenant.set(tenantId, left);
    else this.byTenant.delete(tenantId);
  }

  /**
   * Starts documents while the replica has fewer than `STARTED_PER_TURN × concurrency` started: the
   * next of the first tenant in the round that has fewer than `concurrency` started, which then goes
   * to the back of the round. A tenant's documents start (and so finish) in the order they came.
   */
  private pump(): void {
    while (!this.stopping.signal.aborted && this.running.size < STARTED_PER_TURN * this.limits.concurrency) {
      const tenantId = [...this.waiting.keys()].find((tenant) => (this.startedBy.get(tenant) ?? 0) < this.limits.concurrency);
      if (tenantId === undefined) return;
      const line = this.waiting.get(tenantId)!;
      const job = line.shift()!;
      this.waiting.delete(tenantId);
      if (line.length > 0) this.waiting.set(tenantId, line);
      this.waitingCount--;
      this.startedBy.set(tenantId, (this.startedBy.get(tenantId) ?? 0) + 1);
      const run: Promise<void> = this.run(job).finally(() => {
        this.running.delete(run);
        const started = (this.startedBy.get(tenantId) ?? 1) - 1;
        if (started > 0) this.startedBy.set(tenantId, started);
        else this.startedBy.delete(tenantId);
        this.untrack(tenantId);
        this.pump();
      });
      this.running.add(run);
    }
  }

  /** Resolves once no document is in hand (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /** Stops: the work under way ends at its next step; every unfinished document is marked `interrupted`. */
  async onModuleDestroy(): Promise<void> {
    this.stopping.abort();
    const left = [...this.waiting.values()].flat();
    this.waiting.clear();
    this.waitingCount = 0;
    await this.idle();
    for (const job of left) {
      await this.fail(job, 'interrupted');
      this.untrack(job.document.tenant_id);
    }
  }

  /** `work` in one of the tenant's turns. */
  private async inTurn<T>(tenantId: string, work: () => Promise<T>): Promise<T> {
    const turn = await this.turns.take(tenantId, this.stopping.signal);
    try {
      this.stopping.signal.throwIfAborted();
      return await work();
    } finally {
      turn.release();
    }
  }

  private async run(job: IngestionJob): Promise<void> {
    const { document } = job;
    try {
      const embedded: EmbeddedChunk[] = [];
      for (let from = 0; from < job.chunks.length; from += EMBEDDING_BATCH) {
        const texts = job.chunks.slice(from, from + EMBEDDING_BATCH);
        const going = await this.inTurn(document.tenant_id, async () => {
          const vectors = await job.session.embed({ space: job.space, purpose: document.purpose, subjectId: document.subject_id, texts, signal: this.stopping.signal });
          texts.forEach((text, i) => embedded.push({ text, vector: vectors[i]! }));
          return withTenant(this.dataSource, document.tenant_id, (manager) => this.repository.progress(manager, document.id, embedded.length));
        });
        if (!going) return;
      }
      await this.inTurn(document.tenant_id, () => this.store.store(job.caller, document, embedded));
    } catch (error) {
      await this.fail(job, failureReasonOf(error, this.stopping.signal.aborted));
    }
  }

  private async fail(job: IngestionJob, reason: string): Promise<void> {
    this.logger.warn({ event: 'document_ingestion_failed', documentId: job.document.id, reason }, 'a document could not be ingested');
    try {
      await this.store.fail(job.caller, job.document, reason);
    } catch {
      this.logger.error({ event: 'document_failure_not_recorded', documentId: job.document.id }, 'a failed ingestion could not be recorded');
    }
  }
}
