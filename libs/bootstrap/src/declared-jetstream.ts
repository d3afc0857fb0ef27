// The platform's JetStream objects on a server, held against their declaration (libs/contracts
// jetstream-topology): looked up by every service at boot (which refuses to start on anything but
// "as declared"), created or updated by `gardien provision` only (the one bus user allowed to).
// The caller passes its JetStream manager, so that processes which never use JetStream do not
// load the client here.
import type { ConsumerConfig, JetStreamManager, StreamConfig } from '@nats-io/jetstream';
import {
  STREAMS,
  consumerDifferences,
  declaredConsumerConfig,
  declaredStreamConfig,
  streamDifferences,
  type DurableConsumer,
  type StreamName,
} from '@gardien/contracts';

export type Inspection = { state: 'missing' } | { state: 'as-declared' } | { state: 'differs'; properties: string[] };

export async function inspectStream(manager: JetStreamManager, stream: StreamName): Promise<Inspection> {
  try {
    const { config } = await manager.streams.info(STREAMS[stream].name);
    return verdict(streamDifferences(stream, config));
  } catch (error) {
    if (errorName(error) === 'StreamNotFoundError') return { state: 'missing' };
    throw error;
  }
}

export async function inspectConsumer(manager: JetStreamManager, consumer: DurableConsumer): Promise<Inspection> {
  try {
    const { config } = await manager.consumers.info(STREAMS[consumer.stream].name, consumer.name);
    return verdict(consumerDifferences(consumer, config));
  } catch (error) {
    if (errorName(error) === 'ConsumerNotFoundError') return { state: 'missing' };
    throw error;
  }
}

export async function createStream(manager: JetStreamManager, stream: StreamName): Promise<void> {
  await manager.streams.add(streamConfigOf(stream));
}

/**
 * Puts the declared configuration back: subjects, limits, no sources. The server refuses some
 * changes (a republish, a mirror, the storage or retention cannot be changed on an existing
 * stream): the error says so, and such a stream has to be deleted by an operator and provisioned again.
 */
export async function updateStream(manager: JetStreamManager, stream: StreamName): Promise<void> {
  await manager.streams.update(STREAMS[stream].name, { ...streamConfigOf(stream), sources: [] });
}

export async function createConsumer(manager: JetStreamManager, consumer: DurableConsumer): Promise<void> {
  await manager.consumers.add(STREAMS[consumer.stream].name, consumerConfigOf(consumer));
}

export async function updateConsumer(manager: JetStreamManager, consumer: DurableConsumer): Promise<void> {
  await manager.consumers.update(STREAMS[consumer.stream].name, consumer.name, consumerConfigOf(consumer));
}

// The declarations spell policies as the JetStream API's strings, which are the values of the
// client's string enums: the casts only restate that.
function streamConfigOf(stream: StreamName): StreamConfig {
  return declaredStreamConfig(stream) as unknown as StreamConfig;
}

function consumerConfigOf(consumer: DurableConsumer): Partial<ConsumerConfig> {
  return declaredConsumerConfig(consumer) as unknown as Partial<ConsumerConfig>;
}

function verdict(properties: string[]): Inspection {
  return properties.length === 0 ? { state: 'as-declared' } : { state: 'differs', properties };
}

function errorName(error: unknown): string | undefined {
  return (error as { name?: string } | undefined)?.name;
}
