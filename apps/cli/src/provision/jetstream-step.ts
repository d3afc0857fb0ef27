// The JetStream step of `gardien provision`, as the provisioner (the one bus user allowed to
// create streams and durable consumers): each declared stream, then each declared consumer, is
// created when missing and left alone when as declared. One configured otherwise is never
// silently accepted: it is reported with the properties that differ, and updated only when the
// operator asks (--update-jetstream); what the server cannot change in place (a republish, a
// mirror, the storage) is reported as refused, for an operator to delete and provision again.
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import {
  createConsumer,
  createStream,
  inspectConsumer,
  inspectStream,
  updateConsumer,
  updateStream,
  type Inspection,
  type NatsSettings,
} from '@gardien/bootstrap';
import { PROVISIONER_USER, STREAMS, allDurableConsumers, type DurableConsumer, type StreamName } from '@gardien/contracts';
import { connectOnce } from '../one-shot-connection.js';

export type JetStreamOutcome = 'created' | 'unchanged' | 'updated' | 'differs' | 'update-refused';

export interface JetStreamObjectReport {
  stream: StreamName;
  /** Absent for the stream itself. */
  consumer?: string;
  outcome: JetStreamOutcome;
  /** What differs from the declaration (names only), when it still does. */
  differs?: string[];
}

export interface JetStreamReport {
  streams: JetStreamObjectReport[];
  consumers: JetStreamObjectReport[];
}

interface ObjectSteps {
  inspect: () => Promise<Inspection>;
  create: () => Promise<void>;
  update: () => Promise<void>;
}

export async function provisionJetStream(settings: NatsSettings, update: boolean): Promise<JetStreamReport> {
  const connection = await connectOnce(settings, { user: PROVISIONER_USER, name: 'gardien-provision', who: 'provisioner' });
  try {
    const manager = await jetstreamManager(connection);
    const streams: JetStreamObjectReport[] = [];
    for (const stream of Object.keys(STREAMS) as StreamName[]) {
      streams.push({ stream, ...(await provisionObject(streamSteps(manager, stream), update)) });
    }
    const consumers: JetStreamObjectReport[] = [];
    for (const consumer of allDurableConsumers()) {
      consumers.push({ stream: consumer.stream, consumer: consumer.name, ...(await provisionObject(consumerSteps(manager, consumer), update)) });
    }
    return { streams, consumers };
  } finally {
    await connection.close();
  }
}

function streamSteps(manager: JetStreamManager, stream: StreamName): ObjectSteps {
  return { inspect: () => inspectStream(manager, stream), create: () => createStream(manager, stream), update: () => updateStream(manager, stream) };
}

function consumerSteps(manager: JetStreamManager, consumer: DurableConsumer): ObjectSteps {
  return { inspect: () => inspectConsumer(manager, consumer), create: () => createConsumer(manager, consumer), update: () => updateConsumer(manager, consumer) };
}

async function provisionObject(steps: ObjectSteps, update: boolean): Promise<Pick<JetStreamObjectReport, 'outcome' | 'differs'>> {
  const found = await steps.inspect();
  if (found.state === 'missing') {
    await steps.create();
    return { outcome: 'created' };
  }
  if (found.state === 'as-declared') return { outcome: 'unchanged' };
  if (!update) return { outcome: 'differs', differs: found.properties };
  try {
    await steps.update();
  } catch (error) {
    // The server's own refusal (JetStreamApiError: "can not change RePublish"...); anything else is not ours to hide.
    if ((error as { name?: string }).name !== 'JetStreamApiError') throw error;
    return { outcome: 'update-refused', differs: found.properties };
  }
  const after = await steps.inspect();
  return after.state === 'as-declared' ? { outcome: 'updated' } : { outcome: 'update-refused', differs: after.state === 'differs' ? after.properties : found.properties };
}
