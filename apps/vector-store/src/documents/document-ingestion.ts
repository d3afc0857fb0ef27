// The background half of an ingestion: a document accepted (its row written, `processing`) is
// embedded batch by batch through the gateway, its progress (`chunks_done`) written after each
// batch, then stored whole (DocumentStore) or marked failed with a reason code, nothing of it left.
// A bounded number run at once per replica, a bounded number wait; at shutdown the running ones
// stop and every unfinished one is marked failed (`interrupted`). A document deleted meanwhile
// stops its ingestion at the next batch.
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { GardienError, type Caller } from '@gardien/contracts';
import type { Logger } from '@gardien/observability';
import { withTenant } from '@gardien/persistence';
import { LOGGER } from '@gardien/platform';
import type { VectorSpace } from '../vectors/vector-backend.port.js';
import { DocumentStore, type EmbeddedChunk } from './document-store.js';
import { DocumentsRepository, type DocumentRow } from './documents.repository.js';
import { EMBEDDING_BATCH, type EmbeddingSession } from './embedder.js';

export const INGESTION_LIMITS = Symbol('INGESTION_LIMITS');
export interface IngestionLimits {
  concurrency: number;
  queue: number;
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

@Injectable()
export class DocumentIngestion implements OnModuleDestroy {
  private readonly waiting: IngestionJob[] = [];
  private readonly running = new Set<Promise<void>>();
  private readonly stopping = new AbortController();

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: DocumentsRepository,
    private readonly store: DocumentStore,
    @Inject(INGESTION_LIMITS) private readonly limits: IngestionLimits,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  hasRoom(): boolean {
    return !this.stopping.signal.aborted && this.waiting.length < this.limits.queue;
  }

  enqueue(job: IngestionJob): void {
    this.waiting.push(job);
    this.pump();
  }

  /** Resolves once nothing runs or waits (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping.abort();
    const left = this.waiting.splice(0);
    await this.idle();
    for (const job of left) await this.fail(job, 'interrupted');
  }

  private pump(): void {
    while (this.running.size < this.limits.concurrency && this.waiting.length > 0 && !this.stopping.signal.aborted) {
      const job = this.waiting.shift()!;
      const run: Promise<void> = this.run(job).finally(() => {
        this.running.delete(run);
        this.pump();
      });
      this.running.add(run);
    }
  }

  private async run(job: IngestionJob): Promise<void> {
    const { document } = job;
    try {
      const embedded: EmbeddedChunk[] = [];
      for (let from = 0; from < job.chunks.length; from += EMBEDDING_BATCH) {
        this.stopping.signal.throwIfAborted();
        const texts = job.chunks.slice(from, from + EMBEDDING_BATCH);
        const vectors = await job.session.embed({ space: job.space, purpose: document.purpose, subjectId: document.subject_id, texts, signal: this.stopping.signal });
        texts.forEach((text, i) => embedded.push({ text, vector: vectors[i]! }));
        const going = await withTenant(this.dataSource, document.tenant_id, (manager) => this.repository.progress(manager, document.id, embedded.length));
        if (!going) return;
      }
      await this.store.store(job.caller, document, embedded);
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
