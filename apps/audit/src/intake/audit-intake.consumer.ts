// Consumes stream AUDIT (durable consumer audit-entries, shared by the replicas): batches in
// stream order are appended to their logs, then acknowledged. An entry that is not one (bad JSON,
// outside the schema, in another service's name) is not appended: it is counted, reported on the
// dead-letter subject by its stream sequence and entry id only, and terminated, so that it never
// holds the consumer up. While the database is down, the same batch is tried again: nothing is
// lost (entries wait in JetStream) and nothing is reordered.
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { DURABLE_CONSUMERS, deadLetterSubject, type AuditEntry } from '@gardien/contracts';
import type { Logger } from '@gardien/observability';
import { BUS_CONNECTION, DurableBatchConsumer, LOGGER, type BatchMessage, type BatchSettlement } from '@gardien/platform';
import { AuditMetrics } from '../audit.metrics.js';
import { AuditLogAppender } from '../log/audit-log.appender.js';
import { TreeHeadScheduler } from '../heads/tree-head.scheduler.js';
import { takeEntry } from './audit-entry-intake.js';

@Injectable()
export class AuditIntakeConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private consumer: DurableBatchConsumer | undefined;

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
      handle: (messages) => this.take(messages),
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = undefined;
  }

  async take(messages: readonly BatchMessage[]): Promise<BatchSettlement[]> {
    const taken = messages.map((message) => takeEntry(message.subject, message.data));
    const entries = taken.flatMap((intake): AuditEntry[] => (intake.ok ? [intake.entry] : []));
    const outcome = await this.appender.append(entries);
    this.metrics.appended.inc(outcome.appended);
    this.metrics.duplicates.inc(outcome.duplicates);
    this.heads.grown(outcome.grown);
    taken.forEach((intake, i) => {
      if (intake.ok) return;
      const sequence = messages[i]!.info.streamSequence;
      this.metrics.refusedFor(intake.reason);
      this.connection.publish(deadLetterSubject('audit'), JSON.stringify({ stream: 'AUDIT', sequence, id: intake.id, reason: intake.reason }));
      this.logger.warn({ sequence, id: intake.id, reason: intake.reason }, 'audit entry refused: sent to the dead-letter subject');
    });
    return taken.map((intake) => (intake.ok ? 'ack' : 'term'));
  }
}
