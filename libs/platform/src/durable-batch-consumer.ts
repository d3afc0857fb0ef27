// A durable pull consumer that hands its messages over in batches, in stream order: as many as
// have arrived (up to maxBatch), gathered for at most lingerMs after the first. Batches are handled
// one at a time, in order; while one is being handled, the next is gathered and each of its
// messages prepared (work that depends on no other message: parsing, validation, hashing), a slice
// at a time so that the batch being handled keeps its turn on the event loop. A batch whose handler
// fails is handled again, the same batch in the same order, after a growing delay (its messages,
// and those of the batch waiting behind it, kept from redelivery meanwhile), so that nothing is
// reordered by a failure. The handler settles each message: acknowledged, or terminated (never
// delivered again); nothing of a batch is settled before its handler has returned.
import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { CONSUMER_ACK_WAIT_MS, type DurableConsumer } from '@gardien/contracts';
import { safeError, type Logger } from '@gardien/observability';
import { DurableConsumerLoop, retryDelayMs, type RetryDelays } from './durable-consumer-loop.js';
import { reportingProgress } from './event-consumer.js';

/** The part of a JetStream message a batch handler reads. */
export type BatchMessage = Pick<JsMsg, 'data' | 'subject' | 'headers' | 'info'>;

export type BatchSettlement = 'ack' | 'term';

export interface BatchSubscription<P> {
  consumer: DurableConsumer;
  logger: Logger;
  /**
   * What a message is made into before its batch is handled, from it alone (it may run while
   * the batch before is handled, and again when its batch is handled again). Must not throw: a
   * message that cannot be taken is a value the handler terminates.
   */
  prepare: (message: BatchMessage) => P;
  /** Settles each message of the batch, in its order; throws to have the whole batch handled again. */
  handle: (messages: readonly BatchMessage[], prepared: readonly P[]) => Promise<readonly BatchSettlement[]>;
  maxBatch?: number;
  lingerMs?: number;
  retry?: RetryDelays;
}

const DEFAULT_MAX_BATCH = 500;
const DEFAULT_LINGER_MS = 20;
/** Messages prepared between two turns of the event loop. */
const PREPARE_SLICE = 16;
const WAITED = Symbol('waited');

/** A batch being gathered; `next`: the pull that did not arrive within the linger, for the next batch. */
type Gathered = { batch: JsMsg[]; ended: boolean; next?: Promise<IteratorResult<JsMsg>> };

export class DurableBatchConsumer<P> extends DurableConsumerLoop {
  private readonly maxBatch: number;
  private readonly lingerMs: number;

  private constructor(
    connection: NatsConnection,
    private readonly subscription: BatchSubscription<P>,
  ) {
    const maxBatch = subscription.maxBatch ?? DEFAULT_MAX_BATCH;
    // Pulled ahead: the batch being gathered and the next, while one is handled.
    super(connection, subscription.consumer, subscription.logger, maxBatch * 2);
    this.maxBatch = maxBatch;
    this.lingerMs = subscription.lingerMs ?? DEFAULT_LINGER_MS;
  }

  /** Binds to the durable consumer (failing if it is missing, not as declared, or not permitted) and starts handling batches. */
  static async start<P>(connection: NatsConnection, subscription: BatchSubscription<P>): Promise<DurableBatchConsumer<P>> {
    const consumer = new DurableBatchConsumer(connection, subscription);
    await consumer.begin();
    return consumer;
  }

  protected async handleAll(messages: ConsumerMessages): Promise<void> {
    const iterator = messages[Symbol.asyncIterator]();
    let next: Promise<IteratorResult<JsMsg>> | undefined;
    // The batch before, being handled (or waiting to be handled again); it never rejects.
    let handling: Promise<unknown> = Promise.resolve();
    let failure: { error: unknown } | undefined;
    try {
      for (;;) {
        const first = await (next ?? iterator.next());
        next = undefined;
        if (first.done === true) return;
        const gathered: Gathered = { batch: [first.value], ended: false };
        await this.gather(iterator, gathered);
        next = gathered.next;
        const prepared = await this.prepareAll(gathered.batch);
        // Kept from redelivery while it waits for the batch before (which may be retried for long).
        await reportingProgress(progressOf(gathered.batch), CONSUMER_ACK_WAIT_MS / 2, () => handling);
        if (failure) throw failure.error;
        handling = this.settle(gathered.batch, prepared).catch((error: unknown) => (failure = { error }));
        if (gathered.ended) return;
      }
    } finally {
      await handling;
    }
  }

  /** Adds to the batch what arrives within the linger (one timer for the batch, not one per message). */
  private async gather(iterator: AsyncIterator<JsMsg>, gathered: Gathered): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const lingered = new Promise<typeof WAITED>((resolve) => {
      timer = setTimeout(() => resolve(WAITED), this.lingerMs);
    });
    try {
      while (gathered.batch.length < this.maxBatch) {
        const next = iterator.next();
        const arrived = await Promise.race([next, lingered]);
        if (arrived === WAITED) {
          gathered.next = next;
          return;
        }
        if (arrived.done === true) {
          gathered.ended = true;
          return;
        }
        gathered.batch.push(arrived.value);
      }
    } finally {
      clearTimeout(timer);
    }
  }

  private async prepareAll(batch: readonly JsMsg[]): Promise<P[]> {
    const prepared: P[] = [];
    for (let i = 0; i < batch.length; i++) {
      if (i > 0 && i % PREPARE_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
      prepared.push(this.subscription.prepare(batch[i]!));
    }
    return prepared;
  }

  private async settle(batch: readonly JsMsg[], prepared: readonly P[]): Promise<void> {
    // While a batch is handled or waits to be tried again, its messages are kept from redelivery.
    const progress = progressOf(batch);
    for (let attempt = 1; ; attempt += 1) {
      if (this.stopped) {
        // Pulled but not handled before the stop: released at once for another replica.
        for (const message of batch) message.nak();
        return;
      }
      try {
        const settlements = await reportingProgress(progress, CONSUMER_ACK_WAIT_MS / 2, () => this.subscription.handle(batch, prepared));
        if (settlements.length !== batch.length) throw new Error('a batch handler settles every message of its batch');
        batch.forEach((message, i) => (settlements[i] === 'term' ? message.term() : message.ack()));
        return;
      } catch (error) {
        const delayMs = retryDelayMs(attempt, this.subscription.retry);
        this.logger.warn({ consumer: this.consumer.name, messages: batch.length, attempt, retryInMs: delayMs, err: safeError(error) }, 'batch handler failed; the batch will be handled again');
        await reportingProgress(progress, CONSUMER_ACK_WAIT_MS / 2, () => this.pause(delayMs));
      }
    }
  }
}

function progressOf(batch: readonly JsMsg[]): { working: () => void } {
  return { working: () => batch.forEach((message) => message.working()) };
}
