// Forged answers, over the generated nats-server configuration. Every service may publish into
// every other process's inbox (to answer it), so a compromised service that could name the inbox
// of a request made to someone else could answer it first: inject text into a model's streamed
// completion, a key set into a token verifier. What a request reveals to the service it is sent to
// (its reply subject) must not let that service predict the next ones, and a reply that does not
// carry the request's id is not taken. The attack below is the one a review ran: the reply inboxes
// of the NATS client (nuid: a fixed prefix and a counter growing by 33 to 332) are predictable.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { connect, nkeyAuthenticator, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { BUS_USERS, BusClient, busOperation, busPermissionsOf, decodeRequest, inboxPrefixOf, serviceOperations, type BusUser } from '@gardien/contracts';
import { PrivateNats } from '@gardien/testing';
import { renderNatsServerConfig } from './nats-server-config.js';
import { ensureBusUserNkey, type BusUserNkey } from './bus-user-nkeys.js';

const dir = mkdtempSync(join(tmpdir(), 'gardien-forged-'));
let keys: Map<BusUser, BusUserNkey>;
let nats: PrivateNats;
const open: NatsConnection[] = [];

beforeAll(async () => {
  keys = new Map(BUS_USERS.map((user) => [user, ensureBusUserNkey(join(dir, 'seeds'), user)]));
  const file = join(dir, 'nats-server.conf');
  writeFileSync(file, renderNatsServerConfig({ users: [...keys.values()], jetstreamStoreDir: join(dir, 'jetstream') }));
  nats = await PrivateNats.start(file);
});

afterAll(async () => {
  await Promise.all(open.map((connection) => connection.close()));
  await nats?.dispose();
});

async function connectAs(user: BusUser): Promise<NatsConnection> {
  const seed = readFileSync(keys.get(user)!.seedFile, 'utf8').trim();
  const connection = await connect({ servers: nats.url, inboxPrefix: inboxPrefixOf(user), authenticator: nkeyAuthenticator(new TextEncoder().encode(seed)) });
  open.push(connection);
  return connection;
}

/** Answers like Nest's server: the request's id in the reply. */
function answer(message: Msg, response: unknown): void {
  const id = decodeRequest(message.string())?.id;
  message.respond(JSON.stringify({ id, response, isDisposed: true }));
}

// nuid's counter part: 10 base-36 digits.
const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const counterOf = (text: string) => [...text].reduce((n, digit) => n * 36 + DIGITS.indexOf(digit), 0);
function counterText(n: number): string {
  let out = '';
  for (let i = 0; i < 10; i++) {
    out = DIGITS[n % 36] + out;
    n = Math.floor(n / 36);
  }
  return out;
}

const health = { service: 'llm-gateway', status: 'up', checks: {}, uptimeSeconds: 1, instance: 'llm-gateway-1' };
const Text = z.object({ text: z.string() }).strict();
const streaming = busOperation({ service: 'rights-pipeline', action: 'probe.forged-stream', request: z.object({}).strict(), reply: Text, authenticated: false, streaming: true });
const single = busOperation({ service: 'rights-pipeline', action: 'probe.forged-call', request: z.object({}).strict(), reply: Text, authenticated: false });

test('a service that saw one request of the edge cannot forge the replies of its next stream to another service', async () => {
  expect(busPermissionsOf('llm-gateway').publish).toContain(`${inboxPrefixOf('edge-api')}.>`);
  const edge = await connectAs('edge-api');
  const attacker = await connectAs('llm-gateway');
  const rights = await connectAs('rights-pipeline');

  // 1. The attacker sees a request of the edge to it (GET /health asks every service).
  const observed: string[] = [];
  attacker.subscribe(serviceOperations('llm-gateway').health.subject, {
    callback: (_error, message) => {
      observed.push(message.reply!);
      answer(message, health);
    },
  });
  // The genuine service answers the stream after 300 ms (a model, an export).
  rights.subscribe(streaming.subject, {
    callback: (_error, message) => {
      setTimeout(() => answer(message, { text: 'GENUINE' }), 300);
    },
  });
  await attacker.flush();
  await rights.flush();

  const bus = new BusClient(edge);
  await bus.call(serviceOperations('llm-gateway').health, {}, { requestId: '00000000-0000-4000-8000-000000000001' });
  const [inboxPrefix, seen] = observed[0]!.split('.');
  expect(inboxPrefix).toBe(inboxPrefixOf('edge-api'));

  // 2. The edge opens a stream to another service; the attacker sprays the inboxes it predicts
  //    (nuid's prefix and the next counters), with and without a made-up id.
  const received: string[] = [];
  const consuming = (async () => {
    for await (const reply of bus.stream(streaming, {}, { requestId: '00000000-0000-4000-8000-000000000002' })) received.push(reply.text);
  })();
  await new Promise((resolve) => setTimeout(resolve, 50));
  const forged = JSON.stringify({ id: 'forged', response: { text: 'FORGED' }, isDisposed: true });
  const prefix = seen!.slice(0, 12);
  const counter = counterOf(seen!.slice(12, 22));
  for (let k = 1; k <= 5; k++) {
    for (let step = 33; step < 333; step++) attacker.publish(`${inboxPrefix}.${prefix}${counterText(counter + k * step)}`, forged);
  }
  await attacker.flush();
  await consuming;
  expect(received).toEqual(['GENUINE']);
});

test('reply subjects are random UUIDs under the process prefix, and a reply without the request id is dropped', async () => {
  const edge = await connectAs('edge-api');
  const rights = await connectAs('rights-pipeline');
  const replySubjects: string[] = [];
  rights.subscribe(single.subject, {
    callback: (_error, message) => {
      replySubjects.push(message.reply!);
      // Whoever learnt the inbox answers first, without the request's id; then the service.
      message.respond(JSON.stringify({ id: 'forged', response: { text: 'FORGED' }, isDisposed: true }));
      message.respond(JSON.stringify({ response: { text: 'FORGED' }, isDisposed: true }));
      message.respond('not json');
      answer(message, { text: 'GENUINE' });
    },
  });
  await rights.flush();
  const bus = new BusClient(edge);
  const context = { requestId: '00000000-0000-4000-8000-000000000003' };
  expect(await bus.call(single, {}, context)).toEqual({ text: 'GENUINE' });
  expect(await bus.call(single, {}, context)).toEqual({ text: 'GENUINE' });
  // The process's prefix, a random base of this client, and a random token per request.
  const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';
  for (const subject of replySubjects) expect(subject).toMatch(new RegExp(`^_INBOX_edge-api\\.${uuid}\\.${uuid}$`));
  expect(new Set(replySubjects).size).toBe(2);
  // Knowing the first request's reply subject does not give the second's.
  const [first, second] = replySubjects.map((subject) => subject.split('.').at(-1));
  expect(first).not.toBe(second);
});
