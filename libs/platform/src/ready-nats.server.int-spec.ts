// A bus service that says it listens is reachable: when `listen` calls back, the server holds its
// subscriptions, so that a request sent at once from another connection finds a responder instead
// of NATS's "no responders" (CI saw a service answer 503 to the first call after listen resolved).
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
    await new Promise<void>((resolve, reject) => server.listen((error?: unknown) => (error ? reject(error) : resolve())));
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
