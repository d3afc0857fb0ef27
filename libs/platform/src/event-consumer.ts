// A durable pull consumer of a JetStream stream (domain events): created by the provisioning
// step, bound here by name once checked to be as declared, so that the replicas of a service share
// its messages and nothing published while the service was down is missed. Each message is validated, handled, then acknowledged; a message whose handler failed
// comes back after a growing delay; a message that does not validate is terminated (never
// delivered again) and logged by code only, never with its payload. A message may still arrive
// twice (a crash before the ack, an ack lost): handlers must be idempotent.
import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { z } from 'zod';
import { CONSUMER_ACK_WAIT_MS, ErrorCode, type DurableConsumer } from '@gardien/contracts';
import { safeError, type Logger } from '@gardien/observability';
import { DurableConsumerLoop, retryDelayMs, type RetryDelays } from './durable-consumer-loop.js';

/** What a handler may know of the message beyond its payload. */
export interface EventDelivery {
  /** The publisher's de-duplication id (Nats-Msg-Id): the outbox row id for events relayed from an outbox. */
  messageId: string | undefined;
  streamSequence: number;
  /** 1 on the first delivery. */
  deliveryCount: number;
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

const DEFAULT_MAX_MESSAGES = 16;

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

/** A durable consumer at work, one message at a time: opened by start(), ended by stop(). */
export class DurableEventConsumer<S extends z.ZodType> extends DurableConsumerLoop {
  private constructor(
    connection: NatsConnection,
    private readonly subscription: EventSubscription<S>,
  ) {
    super(connection, subscription.consumer, subscription.logger, subscription.maxMessages ?? DEFAULT_MAX_MESSAGES);
  }

  /**
   * Binds to the durable consumer and starts handling its messages one at a time. Fails if the
   * consumer is missing or not configured as declared (a push consumer delivering elsewhere, another
   * filter...), or cannot be bound (bus permissions).
   */
  static async start<S extends z.ZodType>(connection: NatsConnection, subscription: EventSubscription<S>): Promise<DurableEventConsumer<S>> {
    const consumer = new DurableEventConsumer(connection, subscription);
    await consumer.begin();
    return consumer;
  }

  protected async handleAll(messages: ConsumerMessages): Promise<void> {
    for await (const message of messages) {
      // Pulled ahead but not handled before the stop: released at once for another replica.
      if (this.stopped) message.nak();
      else await settleEvent(message, this.subscription);
    }
  }
}

/** Tells the server, while a slow handler runs, that the message is still being worked on. */
export async function reportingProgress<T>(message: Pick<EventMessage, 'working'>, everyMs: number, work: () => Promise<T>): Promise<T> {
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
