// A durable pull consumer of a JetStream stream (domain events): created by the provisioning
// step, bound here by name once checked to be as declared, so that the replicas of a service share
// its messages and nothing published while the service was down is missed. Each message is validated, handled, then acknowledged; a message whose handler failed
// comes back after a growing delay; a message that does not validate is terminated (never
// delivered again) and logged by code only, never with its payload. A message may still arrive
// twice (a crash before the ack, an ack lost): handlers must be idempotent.
import { jetstream, jetstreamManager, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { z } from 'zod';
import { CONSUMER_ACK_WAIT_MS, ErrorCode, STREAMS, type DurableConsumer } from '@gardien/contracts';
import { safeError, type Logger } from '@gardien/observability';
import { requireConsumerAsDeclared } from './jetstream-checks.js';

/** What a handler may know of the message beyond its payload. */
export interface EventDelivery {
  /** The publisher's de-duplication id (Nats-Msg-Id): the outbox row id for events relayed from an outbox. */
  messageId: string | undefined;
  streamSequence: number;
  /** 1 on the first delivery. */
  deliveryCount: number;
}

export interface RetryDelays {
  firstMs: number;
  maxMs: number;
}

export interface EventSubscription<S extends z.ZodType> {
  /** Declared in libs/contracts (DURABLE_CONSUMERS), which is what the bus permits. */
  consumer: DurableConsumer;
  schema: S;
  handle: (event: z.infer<S>, delivery: EventDelivery) => Promise<void>;
  logger: Logger;
  /** Delay before a failed message comes back: doubles with each delivery, up to maxMs. */
  retry?: RetryDelays;
  /**
   * How often a running handler tells the server it is still at work, so that the message is not
   * delivered again meanwhile: by default twice within the declared ack wait (CONSUMER_ACK_WAIT_MS).
   */
  progressEveryMs?: number;
  /** Messages pulled ahead of the one being handled. */
  maxMessages?: number;
}

export type Settlement = 'acknowledged' | 'retried' | 'terminated';

/** The part of a JetStream message that settling one needs. */
export type EventMessage = Pick<JsMsg, 'data' | 'headers' | 'info' | 'ack' | 'nak' | 'term' | 'working'>;

const DEFAULT_RETRY: RetryDelays = { firstMs: 1_000, maxMs: 5 * 60_000 };
const DEFAULT_MAX_MESSAGES = 16;
const REOPEN_DELAY_MS = { firstMs: 500, maxMs: 30_000 };

/** Delay before delivery number `deliveryCount + 1`. */
export function retryDelayMs(deliveryCount: number, retry: RetryDelays = DEFAULT_RETRY): number {
  return Math.min(retry.maxMs, retry.firstMs * 2 ** Math.min(Math.max(deliveryCount - 1, 0), 30));
}

/** Handles one message and settles it: ack after the handler succeeded, nak (later) if it failed, term if invalid. */
export async function settleEvent<S extends z.ZodType>(message: EventMessage, subscription: EventSubscription<S>): Promise<Settlement> {
  const { consumer, schema, logger } = subscription;
  const delivery: EventDelivery = {
    messageId: message.headers?.get('Nats-Msg-Id') || undefined,
    streamSequence: message.info.streamSequence,
    deliveryCount: message.info.deliveryCount,
  };
  const fields = { consumer: consumer.name, streamSequence: delivery.streamSequence, deliveryCount: delivery.deliveryCount };
  const parsed = schema.safeParse(decodeJson(message.data));
  if (!parsed.success) {
    // No reason string: nats-server before 2.10.4 does not read "+TERM <reason>" as a termination.
    message.term();
    logger.warn({ ...fields, code: ErrorCode.ValidationFailed }, 'event refused: payload not valid; terminated');
    return 'terminated';
  }
  try {
    await reportingProgress(message, subscription.progressEveryMs ?? CONSUMER_ACK_WAIT_MS / 2, () => subscription.handle(parsed.data, delivery));
  } catch (error) {
    const delayMs = retryDelayMs(delivery.deliveryCount, subscription.retry);
    message.nak(delayMs);
    logger.warn({ ...fields, retryInMs: delayMs, err: safeError(error) }, 'event handler failed; the event will be delivered again');
    return 'retried';
  }
  message.ack();
  logger.info(fields, 'event handled');
  return 'acknowledged';
}

/** A durable consumer at work: opened by start(), ended by stop(). */
export class DurableEventConsumer<S extends z.ZodType> {
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;
  private stopped = false;
  private wakeUp: (() => void) | undefined;

  private constructor(
    private readonly connection: NatsConnection,
    private readonly subscription: EventSubscription<S>,
  ) {}

  /**
   * Binds to the durable consumer and starts handling its messages one at a time. Fails if the
   * consumer is missing or not configured as declared (a push consumer delivering elsewhere, another
   * filter...), or cannot be bound (bus permissions): a service that cannot consume its events
   * should not start. After a later loss (the consumer deleted, the server gone) it binds again in
   * the background, with the same check, once the consumer is back.
   */
  static async start<S extends z.ZodType>(connection: NatsConnection, subscription: EventSubscription<S>): Promise<DurableEventConsumer<S>> {
    const consumer = new DurableEventConsumer(connection, subscription);
    consumer.messages = await consumer.open();
    consumer.loop = consumer.run();
    return consumer;
  }

  /** Stops pulling, hands back what was pulled but not handled, and waits for the message being handled. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    await this.messages?.close();
    await this.loop;
  }

  private async run(): Promise<void> {
    for (let failures = 0; !this.stopped; ) {
      if (this.messages) {
        await this.handleAll(this.messages);
        this.messages = undefined;
        if (this.stopped) return;
        this.subscription.logger.warn({ consumer: this.subscription.consumer.name }, 'event consumer ended; binding it again');
      }
      failures += 1;
      await this.pause(retryDelayMs(failures, REOPEN_DELAY_MS));
      if (this.stopped) return;
      try {
        this.messages = await this.open();
        failures = 0;
        if (this.stopped) await this.messages.close();
      } catch (error) {
        this.subscription.logger.warn({ consumer: this.subscription.consumer.name, failures, err: safeError(error) }, 'event consumer could not be bound');
      }
    }
  }

  private async handleAll(messages: ConsumerMessages): Promise<void> {
    try {
      for await (const message of messages) {
        // Pulled ahead but not handled before the stop: released at once for another replica.
        if (this.stopped) message.nak();
        else await settleEvent(message, this.subscription);
      }
    } catch (error) {
      this.subscription.logger.warn({ consumer: this.subscription.consumer.name, err: safeError(error) }, 'event consumer failed');
    }
  }

  private async open(): Promise<ConsumerMessages> {
    const { name, stream } = this.subscription.consumer;
    await requireConsumerAsDeclared(await jetstreamManager(this.connection), this.subscription.consumer);
    const consumer = await jetstream(this.connection).consumers.get(STREAMS[stream].name, name);
    // Ends the iteration if the consumer or the stream disappears, so that run() binds it again.
    return consumer.consume({ max_messages: this.subscription.maxMessages ?? DEFAULT_MAX_MESSAGES, abort_on_missing_resource: true });
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }
}

/** Tells the server, while a slow handler runs, that the message is still being worked on. */
async function reportingProgress<T>(message: EventMessage, everyMs: number, work: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => message.working(), Math.max(everyMs, 50));
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

function decodeJson(data: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch {
    return undefined;
  }
}
