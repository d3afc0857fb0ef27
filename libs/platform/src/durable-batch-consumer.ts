// A durable pull consumer that hands its messages over in batches, in stream order: as many as
// have arrived (up to maxBatch), gathered for at most lingerMs after the first. One batch at a time;
// a batch whose handler fails is handled again, the same batch in the same order, after a growing
// delay (its messages kept from redelivery meanwhile), so that nothing is reordered by a failure.
// The handler settles each message: acknowledged, or terminated (never delivered again).
import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { CONSUMER_ACK_WAIT_MS, type DurableConsumer } from '@gardien/contracts';
import { safeError, type Logger } from '@gardien/observability';
import { DurableConsumerLoop, retryDelayMs, type RetryDelays } from './durable-consumer-loop.js';
import { reportingProgress } from './event-consumer.js';

/** The part of a JetStream message a batch handler reads. */
export type BatchMessage = Pick<JsMsg, 'data' | 'subject' | 'headers' | 'info'>;

export type BatchSettlement = 'ack' | 'term';

export interface BatchSubscription {
  consumer: DurableConsumer;
  logger: Logger;
  /** Settles each message of the batch, in its order; throws to have the whole batch handled again. */
  handle: (messages: readonly BatchMessage[]) => Promise<readonly BatchSettlement[]>;
  maxBatch?: number;
  lingerMs?: number;
  retry?: RetryDelays;
}

const DEFAULT_MAX_BATCH = 500;
const DEFAULT_LINGER_MS = 20;
const WAITED = Symbol('waited');

export class DurableBatchConsumer extends DurableConsumerLoop {
  private readonly maxBatch: number;
  private readonly lingerMs: number;

  private constructor(
    connection: NatsConnection,
    private readonly subscription: BatchSubscription,
  ) {
    const maxBatch = subscription.maxBatch ?? DEFAULT_MAX_BATCH;
    super(connection, subscription.consumer, subscription.logger, maxBatch * 2);
    this.maxBatch = maxBatch;
    this.lingerMs = subscription.lingerMs ?? DEFAULT_LINGER_MS;
  }

  /** Binds to the durable consumer (failing if it is missing, not as declared, or not permitted) and starts handling batches. */
  static async start(connection: NatsConnection, subscription: BatchSubscription): Promise<DurableBatchConsumer> {
    const consumer = new DurableBatchConsumer(connection, subscription);
    await consumer.begin();
    return consumer;
  }

  protected async handleAll(messages: ConsumerMessages): Promise<void> {
    const iterator = messages[Symbol.asyncIterator]();
    let next: Promise<IteratorResult<JsMsg>> | undefined;
    for (;;) {
      const first = await (next ?? iterator.next());
      next = undefined;
      if (first.done === true) return;
      const batch = [first.value];
      let ended = false;
      const deadline = Date.now() + this.lingerMs;
      while (batch.length < this.maxBatch) {
        next = iterator.next();
        const arrived = await within(next, deadline - Date.now());
        if (arrived === WAITED) break;
        next = undefined;
        if (arrived.done === true) {
          ended = true;
          break;
        }
        batch.push(arrived.value);
      }
      await this.settle(batch);
      if (ended) return;
    }
  }

  private async settle(batch: readonly JsMsg[]): Promise<void> {
    // While a batch is handled or waits to be tried again, its messages are kept from redelivery.
    const progress = { working: () => batch.forEach((message) => message.working()) };
    for (let attempt = 1; ; attempt += 1) {
      if (this.stopped) {
        // Pulled but not handled before the stop: released at once for another replica.
        for (const message of batch) message.nak();
        return;
      }
      try {
        const settlements = await reportingProgress(progress, CONSUMER_ACK_WAIT_MS / 2, () => this.subscription.handle(batch));
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

/** What `promise` gives if it settles within `ms`, else WAITED (the promise is left running). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof WAITED> {
  if (ms <= 0) return WAITED;
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<typeof WAITED>((resolve) => {
    timer = setTimeout(() => resolve(WAITED), ms);
  });
  try {
    return await Promise.race([promise, waited]);
  } finally {
    clearTimeout(timer);
  }
}
