// The durable event consumer against a real nats-server with JetStream: it binds to its consumer
// on stream EVENTS (created as the provisioning step creates it), shares it between replicas,
// binds again once a consumer deleted by an operator is provisioned again, refuses to start
// without its stream, without its consumer or with a consumer configured otherwise than
// declared, and stops only after the message in hand is settled.
import { AckPolicy, jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import { createConsumer, createStream } from '@gardien/bootstrap';
import type { DurableConsumer } from '@gardien/contracts';
import { createLogger } from '@gardien/observability';
import { PrivateNats, waitFor } from '@gardien/testing';
import { DurableEventConsumer, type EventSubscription } from './event-consumer.js';

const consumer: DurableConsumer = { name: 'tenant-probe', stream: 'EVENTS', filterSubject: 'gardien.events.tenant.probe' };
const Probe = z.object({ n: z.number().int() });
const logger = createLogger({ service: 'probe', level: 'silent' });

let nats: PrivateNats;
let connection: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;
const running: Array<DurableEventConsumer<typeof Probe>> = [];

beforeAll(async () => {
  nats = await PrivateNats.start();
  connection = await connect({ servers: nats.url });
  js = jetstream(connection);
  jsm = await jetstreamManager(connection);
  await createStream(jsm, 'EVENTS');
  await createConsumer(jsm, consumer);
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((c) => c.stop()));
});

afterAll(async () => {
  await connection?.close();
  await nats?.dispose();
});

async function start(handle: EventSubscription<typeof Probe>['handle']) {
  const started = await DurableEventConsumer.start(connection, { consumer, schema: Probe, logger, handle, retry: { firstMs: 100, maxMs: 200 } });
  running.push(started);
  return started;
}

const publish = (n: number) => js.publish(consumer.filterSubject, JSON.stringify({ n }));

async function ackFloor(): Promise<number> {
  return (await jsm.consumers.info('EVENTS', consumer.name)).ack_floor.stream_seq;
}

test('two replicas share one durable consumer: each event is handled once, by one of them', async () => {
  const seen: Array<[string, number]> = [];
  await start(async ({ n }) => void seen.push(['a', n]));
  await start(async ({ n }) => void seen.push(['b', n]));
  let last = 0;
  for (let n = 1; n <= 20; n++) last = (await publish(n)).seq;
  await waitFor(async () => (await ackFloor()) >= last, 10_000, 'every event acknowledged');
  expect(seen.map(([, n]) => n).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
});

test('an event published while no replica runs is handled at the next start', async () => {
  const { seq } = await publish(100);
  const seen: number[] = [];
  await start(async ({ n }) => void seen.push(n));
  await waitFor(async () => (await ackFloor()) >= seq, 10_000, 'the waiting event acknowledged');
  expect(seen).toEqual([100]);
});

test('a consumer deleted by an operator is bound again once provisioned again, and events keep being handled', async () => {
  const seen: number[] = [];
  await start(async ({ n }) => void seen.push(n));
  await jsm.consumers.delete('EVENTS', consumer.name);
  await new Promise((resolve) => setTimeout(resolve, 700));
  // The service may not create it (the bus refuses it that right): the provisioning step does.
  await expect(jsm.consumers.info('EVENTS', consumer.name)).rejects.toThrow(/consumer not found/i);
  await createConsumer(jsm, consumer);
  const { seq } = await publish(200);
  await waitFor(async () => seen.includes(200), 10_000, 'the event after the deletion handled');
  await waitFor(async () => (await ackFloor()) >= seq, 10_000, 'and acknowledged');
});

test('stop waits for the message in hand to be handled and acknowledged', async () => {
  let release!: () => void;
  let began = false;
  const started = await start(async () => {
    began = true;
    await new Promise<void>((resolve) => (release = resolve));
  });
  const { seq } = await publish(300);
  await waitFor(async () => began, 5_000, 'the handler to begin');
  let stopped = false;
  const stopping = started.stop().then(() => (stopped = true));
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(stopped).toBe(false);
  release();
  await stopping;
  await waitFor(async () => (await ackFloor()) >= seq, 5_000, 'the message in hand acknowledged');
});

test('refuses to start when its consumer does not exist, or is not configured as declared, naming the consumer and the property', async () => {
  const other: DurableConsumer = { ...consumer, name: 'tenant-other' };
  await expect(DurableEventConsumer.start(connection, { consumer: other, schema: Probe, logger, handle: async () => {} })).rejects.toMatchObject({
    name: 'ProvisioningError',
    code: 'CONSUMER_MISSING',
    message: expect.stringContaining('tenant-other'),
  });
  await jsm.consumers.add('EVENTS', { durable_name: other.name, filter_subject: 'gardien.events.>', ack_policy: AckPolicy.Explicit });
  await expect(DurableEventConsumer.start(connection, { consumer: other, schema: Probe, logger, handle: async () => {} })).rejects.toMatchObject({
    name: 'ProvisioningError',
    code: 'CONSUMER_NOT_AS_DECLARED',
    message: expect.stringMatching(/tenant-other .*\(filter_subject, ack_wait\)/),
  });
  await jsm.consumers.delete('EVENTS', other.name);
});

test('refuses to start when its stream does not exist', async () => {
  const bare = await PrivateNats.start();
  const bareConnection = await connect({ servers: bare.url });
  try {
    await expect(DurableEventConsumer.start(bareConnection, { consumer, schema: Probe, logger, handle: async () => {} })).rejects.toThrow(/stream not found/i);
  } finally {
    await bareConnection.close();
    await bare.dispose();
  }
});
