// The batch consumer against a real nats-server with JetStream: batches handled one at a time, in
// stream order, each message once, while the next batch is prepared; a failed batch handled again
// whole before anything after it, its messages acknowledged only once its handler has returned;
// and a stop that hands back the batch waiting behind the one in hand, so that nothing is lost.
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createConsumer, createStream } from '@gardien/bootstrap';
import type { DurableConsumer } from '@gardien/contracts';
import { createLogger } from '@gardien/observability';
import { PrivateNats, waitFor } from '@gardien/testing';
import { DurableBatchConsumer, type BatchMessage, type BatchSubscription } from './durable-batch-consumer.js';

const logger = createLogger({ service: 'probe', level: 'silent' });

let nats: PrivateNats;
let connection: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;
const running: Array<DurableBatchConsumer<number>> = [];
let consumers = 0;

beforeAll(async () => {
  nats = await PrivateNats.start();
  connection = await connect({ servers: nats.url });
  js = jetstream(connection);
  jsm = await jetstreamManager(connection);
  await createStream(jsm, 'EVENTS');
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((c) => c.stop()));
});

afterAll(async () => {
  await connection?.close();
  await nats?.dispose();
});

/** A consumer of its own (and a subject of its own) for each test, with `count` messages waiting: n = 0 .. count - 1. */
async function backlog(count: number): Promise<{ consumer: DurableConsumer; lastSeq: number }> {
  consumers += 1;
  const consumer: DurableConsumer = { name: `tenant-batch-${consumers}`, stream: 'EVENTS', filterSubject: `gardien.events.tenant.batch-${consumers}`, maxAckPending: 5_000 };
  await createConsumer(jsm, consumer);
  let lastSeq = 0;
  for (let n = 0; n < count; n += 100) {
    const acks = await Promise.all(Array.from({ length: Math.min(100, count - n) }, (_, i) => js.publish(consumer.filterSubject, JSON.stringify({ n: n + i }))));
    lastSeq = acks[acks.length - 1]!.seq;
  }
  return { consumer, lastSeq };
}

const numberOf = (message: BatchMessage) => (JSON.parse(Buffer.from(message.data).toString()) as { n: number }).n;

async function start(consumer: DurableConsumer, subscription: Pick<BatchSubscription<number>, 'handle'> & Partial<BatchSubscription<number>>) {
  const started = await DurableBatchConsumer.start(connection, { consumer, logger, prepare: numberOf, maxBatch: 100, lingerMs: 20, retry: { firstMs: 50, maxMs: 100 }, ...subscription });
  running.push(started);
  return started;
}

async function ackFloor(consumer: DurableConsumer): Promise<number> {
  return (await jsm.consumers.info('EVENTS', consumer.name)).ack_floor.stream_seq;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('batches are handled one at a time, in stream order, each message once, the next one prepared meanwhile', async () => {
  const { consumer, lastSeq } = await backlog(1_000);
  const handled: number[] = [];
  let prepared = 0;
  let inHand = 0;
  let mostInHand = 0;
  let preparedDuringHandle = false;
  await start(consumer, {
    prepare: (message) => {
      prepared += 1;
      return numberOf(message);
    },
    handle: async (messages, numbers) => {
      inHand += 1;
      mostInHand = Math.max(mostInHand, inHand);
      const before = prepared;
      await sleep(15);
      if (prepared > before) preparedDuringHandle = true;
      expect(numbers).toEqual(messages.map(numberOf));
      handled.push(...numbers);
      inHand -= 1;
      return messages.map(() => 'ack' as const);
    },
  });
  await waitFor(async () => handled.length >= 1_000, 20_000, 'every message handled');
  expect(handled).toEqual(Array.from({ length: 1_000 }, (_, n) => n));
  expect(mostInHand).toBe(1);
  expect(preparedDuringHandle).toBe(true);
  await waitFor(async () => (await ackFloor(consumer)) === lastSeq, 5_000, 'every message acknowledged');
});

test('a batch whose handler fails is handled again whole, before anything after it, and acknowledged only then', async () => {
  const { consumer, lastSeq } = await backlog(500);
  const handled: number[] = [];
  const attempts: number[][] = [];
  let failed = false;
  await start(consumer, {
    handle: async (messages, numbers) => {
      attempts.push([...numbers]);
      if (!failed && numbers.includes(250)) {
        failed = true;
        throw new Error('database down');
      }
      if (numbers.includes(250)) {
        // The retry: nothing of this batch (nor after it) was acknowledged by the failure.
        expect(await ackFloor(consumer)).toBeLessThan(messages[0]!.info.streamSequence);
      }
      handled.push(...numbers);
      return messages.map(() => 'ack' as const);
    },
  });
  await waitFor(async () => handled.length >= 500, 20_000, 'every message handled');
  expect(handled).toEqual(Array.from({ length: 500 }, (_, n) => n));
  const failedAt = attempts.findIndex((batch) => batch.includes(250));
  expect(attempts[failedAt + 1]).toEqual(attempts[failedAt]);
  await waitFor(async () => (await ackFloor(consumer)) === lastSeq, 5_000, 'every message acknowledged');
});

test('a term settles its message for good; the others of its batch are acknowledged', async () => {
  const { consumer, lastSeq } = await backlog(50);
  const seen: number[] = [];
  await start(consumer, {
    handle: async (_messages, numbers) => {
      seen.push(...numbers);
      return numbers.map((n) => (n === 7 ? 'term' : 'ack'));
    },
  });
  await waitFor(async () => (await ackFloor(consumer)) === lastSeq, 5_000, 'every message settled');
  await sleep(200);
  expect(seen).toEqual(Array.from({ length: 50 }, (_, n) => n));
});

test('stopped while a batch waits behind the one in hand: the one in hand is acknowledged, the waiting one is not handled', async () => {
  const { consumer, lastSeq } = await backlog(300);
  // The stream is shared by the tests of this file: the 100th message of this backlog.
  const hundredth = lastSeq - 300 + 100;
  const handled: number[] = [];
  let prepared = 0;
  let release: (() => void) | undefined;
  const first = await start(consumer, {
    prepare: (message) => {
      prepared += 1;
      return numberOf(message);
    },
    handle: async (messages, numbers) => {
      if (handled.length === 0) await new Promise<void>((resolve) => (release = resolve));
      handled.push(...numbers);
      return messages.map(() => 'ack' as const);
    },
  });
  // The first batch in hand, the second prepared and waiting behind it.
  await waitFor(async () => release !== undefined && prepared >= 200, 5_000, 'a batch waiting behind the one in hand');
  const stopping = first.stop();
  release!();
  await stopping;
  running.splice(running.indexOf(first), 1);
  expect(handled).toEqual(Array.from({ length: 100 }, (_, n) => n));
  // Acknowledged up to the batch that was in hand, and no further: the rest is delivered again, to
  // this replica's next start or to another.
  await waitFor(async () => (await ackFloor(consumer)) >= hundredth, 5_000, 'the batch in hand acknowledged');
  await sleep(200);
  expect(await ackFloor(consumer)).toBe(hundredth);
});
