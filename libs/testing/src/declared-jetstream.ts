// For integration tests that run a service's JetStream side in process: the declared streams and
// durable consumers, created as `gardien provision` creates them (on a private nats-server without
// users, the test's connection may).
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { createConsumer, createStream } from '@gardien/bootstrap';
import { STREAMS, allDurableConsumers, type StreamName } from '@gardien/contracts';

export async function createDeclaredJetStream(connection: NatsConnection): Promise<void> {
  const manager = await jetstreamManager(connection);
  for (const stream of Object.keys(STREAMS) as StreamName[]) await createStream(manager, stream);
  for (const consumer of allDurableConsumers()) await createConsumer(manager, consumer);
}
