// Nest's NATS transport, whose `listen` calls back only once the server has confirmed every
// subscription: a service that says it is ready answers its first caller, on any other connection
// to the same server, instead of NATS's "no responders" (Nest calls back as soon as the SUBs are
// queued). After the SUBs, a flush: the server answers it once it has processed them, after the
// permission error of any it refused. A refused subscription (a handler the bus configuration does
// not allow this user) fails the start, naming its subject; so does a server that does not answer
// the flush within the deadline. On a NATS cluster, interest reaches the other nodes shortly after.
import { ServerNats, type NatsOptions } from '@nestjs/microservices';
import type { Subscription } from '@nats-io/transport-node';

type NatsClient = Parameters<ServerNats['bindEvents']>[0];

/** How long the bus may take to confirm the subscriptions, unless the caller says. */
const DEFAULT_READY_TIMEOUT_MS = 10_000;

export class ReadyNatsServer extends ServerNats {
  private client: NatsClient | undefined;

  constructor(
    options: Required<NatsOptions>['options'],
    private readonly readyTimeoutMs: number = DEFAULT_READY_TIMEOUT_MS,
  ) {
    super(options);
  }

  override bindEvents(client: NatsClient): void {
    super.bindEvents(client);
    this.client = client;
  }

  override start(callback: Parameters<ServerNats['start']>[0]): void {
    super.start((error?: unknown) => {
      if (error !== undefined) return callback(error);
      if (!this.client) return callback(new Error("Nest's NATS server started without binding its handlers to a connection"));
      this.confirmSubscriptions(this.client).then(
        () => callback(),
        (failure: unknown) => {
          // A start that failed serves nothing until the process exits, not even the subjects it was allowed.
          for (const subscription of this.nestSubscriptions() ?? []) subscription.unsubscribe();
          callback(failure);
        },
      );
    });
  }

  private async confirmSubscriptions(client: NatsClient): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`the bus did not confirm the subscriptions within ${this.readyTimeoutMs} ms`)), this.readyTimeoutMs);
    });
    try {
      await Promise.race([client.flush(), deadline]);
    } finally {
      clearTimeout(timer);
    }
    const refused = this.ownSubscriptions()
      .filter((subscription) => subscription.isClosed())
      .map((subscription) => subscription.getSubject());
    if (refused.length > 0) throw new Error(`the bus refused the subscriptions to ${refused.join(', ')}`);
  }

  /** Nest keeps the subscriptions it made, one per handler, in a field of its own; read it, or fail loudly if that changed. */
  private ownSubscriptions(): Subscription[] {
    const subscriptions = this.nestSubscriptions();
    if (subscriptions?.length !== this.messageHandlers.size) {
      throw new Error("Nest's NATS server no longer keeps one subscription per handler where Gardien reads them");
    }
    return subscriptions;
  }

  private nestSubscriptions(): Subscription[] | undefined {
    const subscriptions = (this as unknown as { subscriptions?: unknown }).subscriptions;
    return Array.isArray(subscriptions) ? (subscriptions as Subscription[]) : undefined;
  }
}
