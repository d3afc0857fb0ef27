// Rule 6 of the design: no audited change without its message, none lost while NATS is down,
// none stored twice. Runs against the machine's Postgres and a private nats-server that the
// test stops and restarts.
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import { pino } from 'pino';
import type { DataSource } from 'typeorm';
import { PrivateNats, dropTestDatabases, testDatabasePrefix, waitFor, ADMIN_URL } from '@gardien/testing';
import { openServiceDatabase } from '../open-service-database.js';
import { CreateOutbox1732579200000 } from '../migrations/1732579200000-create-outbox.js';
import { appendAllToOutbox, appendToOutbox } from './outbox-writer.js';
import { OutboxRelay } from './outbox-relay.js';

const prefix = testDatabasePrefix();
const STREAM = 'OUTBOX_PROBE';
let nats: PrivateNats;
let connection: NatsConnection;
let manager: JetStreamManager;
let dataSource: DataSource;

class CreateWidgets1732579200001 {
  name = 'CreateWidgets1732579200001';
  async up(runner: { query(sql: string): Promise<unknown> }) {
    await runner.query('CREATE TABLE widgets (id serial PRIMARY KEY, label text NOT NULL)');
  }
  async down(runner: { query(sql: string): Promise<unknown> }) {
    await runner.query('DROP TABLE widgets');
  }
}

beforeAll(async () => {
  nats = await PrivateNats.start();
  connection = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  manager = await jetstreamManager(connection);
  await manager.streams.add({ name: STREAM, subjects: ['probe.>'], duplicate_window: nanos(120_000) });
  ({ runtime: dataSource } = await openServiceDatabase({ service: 'outbox-probe', prefix, adminUrl: ADMIN_URL, migrations: [CreateOutbox1732579200000, CreateWidgets1732579200001] }));
});

afterAll(async () => {
  await dataSource?.destroy();
  await connection?.close();
  await nats?.dispose();
  await dropTestDatabases(prefix);
});

async function pendingCount(): Promise<number> {
  const [row] = await dataSource.query('SELECT count(*)::int AS n FROM gardien_outbox WHERE published_at IS NULL');
  return row.n;
}

async function streamMessages(): Promise<number> {
  return (await manager.streams.info(STREAM)).state.messages;
}

test('changes commit while NATS is down; their rows wait and reach JetStream exactly once after restart', async () => {
  const relay = new OutboxRelay(dataSource, jetstream(connection), pino({ level: 'silent' }), {
    pollIntervalMs: 50,
    maxBackoffMs: 200,
    publishTimeoutMs: 300,
  });
  relay.start();
  await nats.stop();

  const ids: string[] = [];
  for (let i = 0; i < 25; i++) {
    await dataSource.transaction(async (tx) => {
      await tx.query('INSERT INTO widgets (label) VALUES ($1)', [`w${i}`]);
      ids.push(await appendToOutbox(tx, { subject: `probe.widget.created`, payload: { seq: i } }));
    });
  }
  // A change that rolls back takes its outbox row with it.
  await expect(
    dataSource.transaction(async (tx) => {
      await tx.query('INSERT INTO widgets (label) VALUES ($1)', ['rolled-back']);
      await appendToOutbox(tx, { subject: 'probe.widget.created', payload: { seq: -1 } });
      throw new Error('abort');
    }),
  ).rejects.toThrow('abort');

  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const [{ n: widgets }] = await dataSource.query('SELECT count(*)::int AS n FROM widgets');
  expect(widgets).toBe(25);
  expect(await pendingCount()).toBe(25);

  await nats.resume();
  await waitFor(async () => (await pendingCount()) === 0, 20_000, 'outbox to drain');
  await relay.stop();
  expect(await streamMessages()).toBe(25);

  // Every row went out with its id as Nats-Msg-Id, in order.
  const consumer = await jetstream(connection).consumers.get(STREAM);
  const seen: string[] = [];
  const batch = await consumer.fetch({ max_messages: 25, expires: 2_000 });
  for await (const message of batch) {
    seen.push(message.headers?.get('Nats-Msg-Id') ?? '');
    if (seen.length === 25) break;
  }
  expect(seen).toEqual(ids);
});

test('a row published again (crash between publish and mark) is deduplicated by its id', async () => {
  const before = await streamMessages();
  await dataSource.transaction(async (tx) => {
    await appendToOutbox(tx, { subject: 'probe.widget.updated', payload: { seq: 100 } });
  });
  const relay = new OutboxRelay(dataSource, jetstream(connection), pino({ level: 'silent' }));
  expect(await relay.publishPending()).toBe(1);
  // Simulate the crash: the row is published but its mark is lost.
  await dataSource.query("UPDATE gardien_outbox SET published_at = NULL WHERE subject = 'probe.widget.updated'");
  expect(await relay.publishPending()).toBe(1);
  expect(await pendingCount()).toBe(0);
  expect(await streamMessages()).toBe(before + 1);
});

test('a batch goes out at once and in order: 250 rows written in one statement reach the stream in the order written, each once', async () => {
  const before = await streamMessages();
  const ids = await dataSource.transaction((tx) => appendAllToOutbox(tx, Array.from({ length: 250 }, (_, i) => ({ subject: 'probe.widget.batched', payload: { seq: i } }))));
  const relay = new OutboxRelay(dataSource, jetstream(connection), pino({ level: 'silent' }), { batchSize: 100 });
  expect([await relay.publishPending(), await relay.publishPending(), await relay.publishPending(), await relay.publishPending()]).toEqual([100, 100, 50, 0]);
  expect(await streamMessages()).toBe(before + 250);
  const consumer = await jetstream(connection).consumers.get(STREAM, { opt_start_seq: before + 1 });
  const seen: string[] = [];
  for await (const message of await consumer.fetch({ max_messages: 250, expires: 2_000 })) {
    seen.push(message.headers?.get('Nats-Msg-Id') ?? '');
    if (seen.length === 250) break;
  }
  expect(seen).toEqual(ids);
});

test('appendToOutbox refuses to write outside a transaction', async () => {
  await expect(appendToOutbox(dataSource.manager, { subject: 'probe.x', payload: {} })).rejects.toThrow(/inside the transaction/);
});
