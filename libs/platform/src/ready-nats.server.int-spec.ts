// A bus service that says it listens is reachable: when `listen` calls back, the server holds its
// subscriptions, so that a request sent at once from another connection finds a responder instead
// of NATS's "no responders" (CI saw a service answer 503 to the first call after listen resolved).
// And a service does not say it listens when it does not: a subscription the bus refuses, or a
// bus that never confirms, fails the start.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { ServerNats } from '@nestjs/microservices';
import { PrivateNats } from '@gardien/testing';
import { ReadyNatsServer } from './ready-nats.server.js';
import { ReplyGuardedNatsServer } from './reply-guarded-nats.server.js';

let nats: PrivateNats;
let caller: NatsConnection;

beforeAll(async () => {
  nats = await PrivateNats.start();
  caller = await connect({ servers: nats.url });
});

afterAll(async () => {
  await caller?.close();
  await nats?.stop();
});

const transports: Array<[string, (options: { servers: string; queue: string }) => ServerNats]> = [
  ['ReadyNatsServer', (options) => new ReadyNatsServer(options)],
  ['ReplyGuardedNatsServer (every service’s)', (options) => new ReplyGuardedNatsServer(options, () => undefined)],
];

let servers = 0;

test.each(transports)('%s: a request sent the moment listen calls back finds its responder, every time', async (_name, transport) => {
  const outcomes: string[] = [];
  for (let round = 0; round < 40; round++, servers++) {
    // As many handlers as a real service has: the last subscription is the one most likely not yet sent.
    const subjects = Array.from({ length: 30 }, (_, i) => `probe.s${servers}.op${i}`);
    const server = transport({ servers: nats.url, queue: 'probe' });
    for (const subject of subjects) server.addHandler(subject, async () => ({ ok: true }), false);
    await listen(server);
    try {
      const reply = await caller.request(subjects[subjects.length - 1], JSON.stringify({ id: String(round), data: {} }), { timeout: 2_000 });
      outcomes.push(reply.data.length > 0 ? 'answered' : `status ${reply.headers?.status ?? '?'}`);
    } catch (error) {
      outcomes.push((error as Error).message);
    } finally {
      await server.close();
    }
  }
  expect(outcomes.filter((outcome) => outcome !== 'answered')).toEqual([]);
});

function listen(server: ServerNats): Promise<void> {
  return new Promise<void>((resolve, reject) => server.listen((error?: unknown) => (error ? reject(error) : resolve())));
}

test('a subscription the bus refuses fails the start, naming its subject', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gardien-ready-'));
  const file = join(dir, 'nats.conf');
  writeFileSync(
    file,
    `authorization { users = [ { user: probe, password: probe-secret, permissions: { publish: ">", subscribe: ["probe.allowed.>", "_INBOX.>"] } } ] }\n`,
  );
  const restricted = await PrivateNats.start(file);
  const server = new ReadyNatsServer({ servers: restricted.url, user: 'probe', pass: 'probe-secret', queue: 'probe' });
  try {
    server.addHandler('probe.allowed.one', async () => ({ ok: true }), false);
    server.addHandler('probe.denied.two', async () => ({ ok: true }), false);
    await expect(listen(server)).rejects.toThrow('the bus refused the subscriptions to probe.denied.two');
    // A start that failed serves nothing, not even the subjects it was allowed (the process exits after).
    const other = await connect({ servers: restricted.url, user: 'probe', pass: 'probe-secret' });
    try {
      const answer = await other.request('probe.allowed.one', JSON.stringify({ id: '1', data: {} }), { timeout: 1_000 }).then(
        () => 'answered',
        (error: Error) => error.message,
      );
      expect(answer).toMatch(/no responders/);
    } finally {
      await other.close();
    }
  } finally {
    await server.close();
    await restricted.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a bus that accepts the connection but never confirms the subscriptions fails the start at the deadline', async () => {
  // Speaks just enough NATS to be connected to (INFO, then PONG to the connect's PING), then nothing.
  const silent: Server = createServer((socket) => {
    socket.write('INFO {"server_id":"silent","version":"2.10.0","proto":1,"headers":true,"max_payload":1048576}\r\n');
    let ponged = false;
    socket.on('data', (chunk: Buffer) => {
      if (!ponged && chunk.toString('latin1').includes('PING\r\n')) {
        ponged = true;
        socket.write('PONG\r\n');
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const address = silent.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const server = new ReadyNatsServer({ servers: `nats://127.0.0.1:${port}`, queue: 'probe', reconnect: false }, 500);
  try {
    server.addHandler('probe.silent.one', async () => ({ ok: true }), false);
    const startedAt = Date.now();
    await expect(listen(server)).rejects.toThrow('the bus did not confirm the subscriptions within 500 ms');
    expect(Date.now() - startedAt).toBeLessThan(3_000);
  } finally {
    await server.close().catch(() => undefined);
    await new Promise((resolve) => silent.close(resolve));
  }
});
