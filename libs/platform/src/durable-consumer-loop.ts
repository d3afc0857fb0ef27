// What every durable pull consumer of the platform does around its messages: bind to the consumer
// created by the provisioning step once it is checked to be as declared (a service that cannot
// consume should not start), and after a later loss (the consumer deleted, the server gone) bind
// again in the background, with the same check, once it is back. How messages are handled, one at
// a time or in batches, is the subclass's.
import { jetstream, jetstreamManager, type ConsumerMessages } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { STREAMS, type DurableConsumer } from '@gardien/contracts';
import { safeError, type Logger } from '@gardien/observability';
import { requireConsumerAsDeclared } from './jetstream-checks.js';

export interface RetryDelays {
  firstMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryDelays = { firstMs: 1_000, maxMs: 5 * 60_000 };
const REOPEN_DELAY_MS: RetryDelays = { firstMs: 500, maxMs: 30_000 };

/** Delay before attempt number `attempt + 1`: doubles from firstMs, up to maxMs. */
export function retryDelayMs(attempt: number, retry: RetryDelays = DEFAULT_RETRY): number {
  return Math.min(retry.maxMs, retry.firstMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
}

export abstract class DurableConsumerLoop {
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;
  protected stopped = false;
  private wakeUp: (() => void) | undefined;

  protected constructor(
    private readonly connection: NatsConnection,
    protected readonly consumer: DurableConsumer,
    protected readonly logger: Logger,
    private readonly maxMessages: number,
  ) {}

  /** Handles the messages of one binding until it ends (or the consumer stops). */
  protected abstract handleAll(messages: ConsumerMessages): Promise<void>;

  /** Binds (failing if the consumer is missing, not as declared, or not permitted), then handles its messages. */
  protected async begin(): Promise<void> {
    this.messages = await this.open();
    this.loop = this.run();
  }

  /** Stops pulling, hands back what was pulled but not handled, and waits for what is being handled. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    await this.messages?.close();
    await this.loop;
  }

  /** Waits `ms`, or less if the consumer stops meanwhile. */
  protected pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  private async run(): Promise<void> {
    for (let failures = 0; !this.stopped; ) {
      if (this.messages) {
        try {
          await this.handleAll(this.messages);
        } catch (error) {
          this.logger.warn({ consumer: this.consumer.name, err: safeError(error) }, 'event consumer failed');
        }
        this.messages = undefined;
        if (this.stopped) return;
        this.logger.warn({ consumer: this.consumer.name }, 'event consumer ended; binding it again');
      }
      failures += 1;
      await this.pause(retryDelayMs(failures, REOPEN_DELAY_MS));
      if (this.stopped) return;
      try {
        this.messages = await this.open();
        failures = 0;
        if (this.stopped) await this.messages.close();
      } catch (error) {
        this.logger.warn({ consumer: this.consumer.name, failures, err: safeError(error) }, 'event consumer could not be bound');
      }
    }
  }

  private async open(): Promise<ConsumerMessages> {
    const { name, stream } = this.consumer;
    await requireConsumerAsDeclared(await jetstreamManager(this.connection), this.consumer);
    const consumer = await jetstream(this.connection).consumers.get(STREAMS[stream].name, name);
    // Ends the iteration if the consumer or the stream disappears, so that run() binds it again.
    return consumer.consume({ max_messages: this.maxMessages, abort_on_missing_resource: true });
  }
}
