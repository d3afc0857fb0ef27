// Consumes stream AUDIT (durable consumer audit-entries, shared by the replicas): batches in
// stream order are appended to their logs, then acknowledged. An entry that is not one (bad JSON,
// outside the schema, in another service's name) is not appended: it is counted, reported on the
// dead-letter subject by its stream sequence and entry id only, and terminated, so that it never
// holds the consumer up. While the database is down, the same batch is tried again: nothing is
// lost (entries wait in JetStream) and nothing is reordered. Each entry is validated and hashed
// as soon as its batch is gathered, while the batch before is being stored: one batch at a time
// still, in stream order (its logs stored in a few transactions at once, each log in one), each
// batch acknowledged only once all of it is committed.
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { DURABLE_CONSUMERS, deadLetterSubject } from '@gardien/contracts';
import type { Logger } from '@gardien/observability';
import { BUS_CONNECTION, DurableBatchConsumer, LOGGER, type BatchMessage, type BatchSettlement } from '@gardien/platform';
import { AuditMetrics } from '../audit.metrics.js';
import { AuditLogAppender, hashEntry, type AppendOutcome, type HashedEntry } from '../log/audit-log.appender.js';
import { TreeHeadScheduler } from '../heads/tree-head.scheduler.js';
import { takeEntry, type IntakeRefusal } from './audit-entry-intake.js';

/** A message of stream AUDIT as taken: an entry hashed and ready to append, or the reason it is refused. */
export type TakenMessage = { ok: true; hashed: HashedEntry } | { ok: false; reason: IntakeRefusal; id: string | null };

export function takeMessage(message: BatchMessage): TakenMessage {
  const intake = takeEntry(message.subject, message.data);
  return intake.ok ? { ok: true, hashed: hashEntry(intake.entry) } : intake;
}

/**
 * Entries per batch: one transaction, its commit waited for once. The consumer's max_ack_pending
 * (libs/contracts) leaves room for the batch being stored, the next one and those on their way.
 */
const MAX_BATCH = 2_000;

@Injectable()
export class AuditIntakeConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private consumer: DurableBatchConsumer<TakenMessage> | undefined;

  constructor(
    private readonly appender: AuditLogAppender,
    private readonly heads: TreeHeadScheduler,
    private readonly metrics: AuditMetrics,
    @Inject(BUS_CONNECTION) private readonly connection: NatsConnection,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = await DurableBatchConsumer.start(this.connection, {
      consumer: DURABLE_CONSUMERS.audit.entries,
      logger: this.logger,
      maxBatch: MAX_BATCH,
      prepare: takeMessage,
      handle: (messages, taken) => this.store(messages, taken),
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = undefined;
  }

  /** Appends a batch's entries (each message as takeMessage took it), dead-letters the others, and settles each. */
  async store(messages: readonly BatchMessage[], taken: readonly TakenMessage[]): Promise<BatchSettlement[]> {
    const refusals = new Map<number, { reason: IntakeRefusal; id: string | null }>();
    const accepted: Array<{ at: number; hashed: HashedEntry }> = [];
    taken.forEach((intake, at) => {
      if (intake.ok) accepted.push({ at, hashed: intake.hashed });
      else refusals.set(at, { reason: intake.reason, id: intake.id });
    });
    const outcome = await this.append(accepted, refusals);
    this.metrics.appended.inc(outcome.appended);
    this.metrics.duplicates.inc(outcome.duplicates);
    this.heads.grown(outcome.grown);
    for (const [at, { reason, id }] of refusals) {
      const sequence = messages[at]!.info.streamSequence;
      this.metrics.refusedFor(reason);
      this.connection.publish(deadLetterSubject('audit'), JSON.stringify({ stream: 'AUDIT', sequence, id, reason }));
      this.logger.warn({ sequence, id, reason }, 'audit entry refused: sent to the dead-letter subject');
    }
    return messages.map((_, at) => (refusals.has(at) ? 'term' : 'ack'));
  }

  /**
   * Appends the batch in one transaction. If the database refuses its data (an entry no check
   * foresaw), the entries are appended one at a time, in order, and the one refused is dead-lettered:
   * one entry never holds up the log. Any other failure (the database unreachable) is thrown, and
   * the batch is tried again whole.
   */
  private async append(accepted: ReadonlyArray<{ at: number; hashed: HashedEntry }>, refusals: Map<number, { reason: IntakeRefusal; id: string | null }>): Promise<AppendOutcome> {
    try {
      return await this.appender.appendHashed(accepted.map(({ hashed }) => hashed));
    } catch (error) {
      if (!isDataRefusal(error)) throw error;
    }
    const total: AppendOutcome = { appended: 0, duplicates: 0, grown: [] };
    for (const { at, hashed } of accepted) {
      try {
        const one = await this.appender.appendHashed([hashed]);
        total.appended += one.appended;
        total.duplicates += one.duplicates;
        for (const log of one.grown) if (!total.grown.includes(log)) total.grown.push(log);
      } catch (error) {
        if (!isDataRefusal(error)) throw error;
        refusals.set(at, { reason: 'not_storable', id: hashed.entry.id });
      }
    }
    return total;
  }
}

/** A Postgres refusal of the data itself (SQLSTATE class 22, data exception, or 23, integrity constraint), not of the connection. */
export function isDataRefusal(error: unknown): boolean {
  const code = (error as { code?: unknown; driverError?: { code?: unknown } } | null)?.driverError?.code ?? (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code);
}
