// Nest's NATS transport, whose `listen` calls back only once the server holds every subscription
// (a flush after them): a service that says it is ready answers its first caller, on any other
// connection, instead of NATS's "no responders". Nest calls back as soon as the SUBs are queued.
import { ServerNats } from '@nestjs/microservices';

type NatsClient = Parameters<ServerNats['bindEvents']>[0];

export class ReadyNatsServer extends ServerNats {
  private client: NatsClient | undefined;

  override bindEvents(client: NatsClient): void {
    super.bindEvents(client);
    this.client = client;
  }

  override start(callback: Parameters<ServerNats['start']>[0]): void {
    super.start((error?: unknown) => {
      if (error !== undefined || !this.client) return callback(error);
      this.client.flush().then(() => callback(), callback);
    });
  }
}
