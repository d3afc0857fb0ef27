// Streamed replies end to end on a real NATS: BusClient.stream -> a handler returning an Observable
// -> each reply validated, in order, until the end; an error mid-stream arrives typed; a consumer
// that stops early has the handler's work stopped (its Observable unsubscribed), by its starter only.
// Calls answered once that their caller may cancel, the same way: BusClient.call with a signal ->
// an aborted signal stops the wait at once and has the handler's work stopped, by the principal
// that made the call only; an answer that comes leaves nothing behind; a call of an operation that
// is not cancellable carries no id to cancel it by, and its work goes on. A cancel that arrives
// before its call is remembered a few seconds, for its principal only; a cancel under the token the
// call was made with stops it even once that token has expired; a handler given the stream
// interceptor without its operation is refused, not left without a cap.
import { randomUUID } from 'node:crypto';
import { Controller, Module, UseInterceptors, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, type MicroserviceOptions } from '@nestjs/microservices';
import { connect, createInbox, type NatsConnection } from '@nats-io/transport-node';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { pino } from 'pino';
import { Observable, interval, map, take } from 'rxjs';
import { z } from 'zod';
import { TokenVerifier } from '@gardien/authz';
import {
  audienceOf,
  BusClient,
  busOperation,
  decodeStreamPacket,
  encodeRequest,
  ErrorCode,
  GardienError,
  HEADER_STREAM_ID,
  serviceOperations,
  StreamPacket,
  TOKEN_ISSUER,
  toHeaders,
  type BusOperation,
  type Principal,
} from '@gardien/contracts';
import { PrivateNats } from '@gardien/testing';
import { BusExceptionFilter } from './bus-exception.filter.js';
import { Handles, RequestPayload } from './handles.decorator.js';
import { ReadyNatsServer } from './ready-nats.server.js';
import { streamCancelMessageController } from './stream-cancel.controller-factory.js';
import { StreamRegistry } from './stream-registry.js';
import { StreamingInterceptor } from './streaming.interceptor.js';

const Count = z.object({ upTo: z.number().int().min(0).max(1_000), failAt: z.number().int().optional() }).strict();
const Tick = z.object({ n: z.number().int() }).strict();
const COUNT = busOperation({ service: 'llm-gateway', action: 'probe.count', request: Count, reply: Tick, authenticated: false, streaming: true, timeoutMs: 2_000 });
const SHORT = busOperation({ service: 'llm-gateway', action: 'probe.short', request: Count, reply: Tick, authenticated: false, streaming: true, timeoutMs: 2_000, maxStreamMs: 300 });
const BAD = busOperation({ service: 'llm-gateway', action: 'probe.bad', request: z.object({}).strict(), reply: Tick, authenticated: false, streaming: true, timeoutMs: 2_000 });

let running = 0;
let stopped = 0;

@Controller()
class ProbeStreams {
  @Handles(COUNT)
  count(@RequestPayload() request: z.infer<typeof Count>): Observable<z.infer<typeof Tick>> {
    return new Observable((subscriber) => {
      running += 1;
      const ticks = interval(20)
        .pipe(take(request.upTo))
        .subscribe({
          next: (n) => (n === request.failAt ? subscriber.error(new GardienError(ErrorCode.Conflict, 'stopped on purpose')) : subscriber.next({ n })),
          complete: () => subscriber.complete(),
        });
      return () => {
        running -= 1;
        stopped += 1;
        ticks.unsubscribe();
      };
    });
  }

  @Handles(SHORT)
  short(@RequestPayload() request: z.infer<typeof Count>): Observable<z.infer<typeof Tick>> {
    return this.count(request);
  }

  @Handles(BAD)
  bad(): Observable<unknown> {
    return interval(10).pipe(take(2), map((n) => ({ n, extra: 'outside the contract' })));
  }
}

const Work = z.object({ ms: z.number().int().min(0).max(10_000) }).strict();
const Done = z.object({ done: z.literal(true) }).strict();
const SLOW = busOperation({ service: 'llm-gateway', action: 'probe.slow', request: Work, reply: Done, authenticated: true, timeoutMs: 10_000, cancellable: true });
const PLAIN = busOperation({ service: 'llm-gateway', action: 'probe.plain', request: Work, reply: Done, authenticated: true, timeoutMs: 10_000 });

/** The work of the calls answered once, counted apart from the streams'. */
const calls = { running: 0, stopped: 0, finished: 0 };

/** Work of `ms` that stops when unsubscribed before its end, as a model call's handler does. */
function work(ms: number): Observable<z.infer<typeof Done>> {
  return new Observable((subscriber) => {
    calls.running += 1;
    let done = false;
    const timer = setTimeout(() => {
      done = true;
      calls.finished += 1;
      subscriber.next({ done: true });
      subscriber.complete();
    }, ms);
    return () => {
      calls.running -= 1;
      clearTimeout(timer);
      if (!done) calls.stopped += 1;
    };
  });
}

@Controller()
class ProbeCalls {
  @Handles(SLOW)
  slow(@RequestPayload() request: z.infer<typeof Work>): Observable<z.infer<typeof Done>> {
    return work(request.ms);
  }

  @Handles(PLAIN)
  plain(@RequestPayload() request: z.infer<typeof Work>): Observable<z.infer<typeof Done>> {
    return work(request.ms);
  }
}

const UNBOUND_SUBJECT = 'gardien.v1.llm-gateway.probe.unbound';

/** A handler given the stream interceptor by hand, without @Handles: it has no operation, so no maxStreamMs. */
@Controller()
class ProbeUnbound {
  @MessagePattern(UNBOUND_SUBJECT)
  @UseInterceptors(StreamingInterceptor)
  endless(): Observable<z.infer<typeof Tick>> {
    return interval(20).pipe(map((n) => ({ n })));
  }
}

/** A streamed operation without its cap, as only a definition not made by busOperation can be. */
const UNCAPPED: BusOperation = { ...busOperation({ service: 'llm-gateway', action: 'probe.uncapped', request: z.object({}).strict(), reply: Tick, authenticated: false, streaming: true }), maxStreamMs: undefined };

@Controller()
class ProbeUncapped {
  @Handles(UNCAPPED)
  endless(): Observable<z.infer<typeof Tick>> {
    return interval(20).pipe(map((n) => ({ n })));
  }
}

let signingKey: CryptoKey;
let keySet: { keys: Array<{ kty: 'OKP'; crv: 'Ed25519'; x: string; kid: string; alg: 'EdDSA'; use: 'sig' }> } = { keys: [] };

/** How far the service's clock is ahead of the test's, for tokens that have expired by the time of their cancel. */
let serviceClockAheadMs = 0;

@Module({
  controllers: [ProbeStreams, ProbeCalls, ProbeUnbound, ProbeUncapped, streamCancelMessageController('llm-gateway')],
  providers: [
    StreamRegistry,
    { provide: TokenVerifier, useValue: new TokenVerifier(async () => keySet, { audience: audienceOf('llm-gateway'), now: () => Date.now() + serviceClockAheadMs }) },
  ],
})
class ProbeModule {}

let nats: PrivateNats;
let app: INestMicroservice;
let connection: NatsConnection;
let bus: BusClient;
const context = { requestId: '0c8f6a52-3b1e-4d7a-9f20-5e6d7c8b9a01' };
/** What the service logged at error level (its exception filter's log). */
const errorLines: string[] = [];

beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  signingKey = privateKey;
  const { x } = await exportJWK(publicKey);
  keySet = { keys: [{ kty: 'OKP', crv: 'Ed25519', x: x!, kid: 'k1', alg: 'EdDSA', use: 'sig' }] };
  nats = await PrivateNats.start();
  app = await NestFactory.createMicroservice<MicroserviceOptions>(ProbeModule, { strategy: new ReadyNatsServer({ servers: nats.url, queue: 'llm-gateway' }), logger: false });
  app.useGlobalFilters(new BusExceptionFilter(pino({ level: 'error' }, { write: (line: string) => errorLines.push(line) })));
  await app.listen();
  connection = await connect({ servers: nats.url });
  bus = new BusClient(connection, 2_000);
});

afterAll(async () => {
  await connection?.close();
  await app?.close();
  await nats?.dispose();
});

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of stream) items.push(item);
  return items;
}

const until = async (condition: () => boolean) => {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
};

test('every reply arrives, validated and in order, and the stream ends when the handler completes', async () => {
  expect(await collect(bus.stream(COUNT, { upTo: 5 }, context))).toEqual([0, 1, 2, 3, 4].map((n) => ({ n })));
  expect(await collect(bus.stream(COUNT, { upTo: 0 }, context))).toEqual([]);
});

test('an error of the handler ends the stream with its code, after the replies before it', async () => {
  const received: unknown[] = [];
  const failure = await (async () => {
    for await (const tick of bus.stream(COUNT, { upTo: 5, failAt: 2 }, context)) received.push(tick);
  })().catch((error: unknown) => error);
  expect(received).toEqual([{ n: 0 }, { n: 1 }]);
  expect(failure).toMatchObject({ code: ErrorCode.Conflict });
});

test('a reply outside the contract ends the stream as INTERNAL; bad input is refused before any reply', async () => {
  await expect(collect(bus.stream(BAD, {}, context))).rejects.toMatchObject({ code: ErrorCode.Internal });
  await expect(collect(bus.stream(COUNT, { upTo: -1 }, context))).rejects.toMatchObject({ code: ErrorCode.ValidationFailed });
});

test('a consumer that stops early has the handler’s work stopped', async () => {
  const before = stopped;
  for await (const tick of bus.stream(COUNT, { upTo: 1_000 }, context)) {
    if (tick.n === 2) break;
  }
  await until(() => running === 0);
  expect(running).toBe(0);
  expect(stopped).toBe(before + 1);
  expect(app.get(StreamRegistry).size).toBe(0);
});

test('an aborted signal stops the stream and the handler', async () => {
  const controller = new AbortController();
  const received: unknown[] = [];
  const failure = await (async () => {
    for await (const tick of bus.stream(COUNT, { upTo: 1_000 }, context, { signal: controller.signal })) {
      received.push(tick);
      if (received.length === 3) controller.abort();
    }
  })().catch((error: unknown) => error);
  expect(failure).toMatchObject({ code: ErrorCode.Unavailable });
  await until(() => running === 0);
  expect(running).toBe(0);
});

test('a stream nobody serves is UNAVAILABLE at once; one whose first reply is late, TIMEOUT', async () => {
  const nobody = busOperation({ service: 'audit', action: 'probe.none', request: z.object({}).strict(), reply: Tick, authenticated: false, streaming: true });
  await expect(collect(bus.stream(nobody, {}, context))).rejects.toMatchObject({ code: ErrorCode.Unavailable, reason: 'service_unavailable' });
  await expect(collect(bus.stream(COUNT, { upTo: 3 }, context, { idleTimeoutMs: 5 }))).rejects.toMatchObject({ code: ErrorCode.Timeout, reason: 'service_timeout' });
  await until(() => running === 0);
});

test('call() refuses a streaming operation and stream() a single-reply one', async () => {
  await expect(bus.call(COUNT, { upTo: 1 }, context)).rejects.toThrow(/streams its reply/);
  const single = busOperation({ service: 'audit', action: 'probe.once', request: z.object({}).strict(), reply: Tick, authenticated: false });
  await expect(collect(bus.stream(single, {}, context))).rejects.toThrow(/answers once/);
});

test('a second stream under a running stream id is refused (CONFLICT) and does not make the first one uncancellable', async () => {
  const streamId = '7d4c2b1a-9e8f-4a6b-8c5d-3e2f1a0b9c8d';
  const send = (upTo: number) => {
    const inbox = createInbox();
    const packets = connection.subscribe(inbox);
    connection.publish(COUNT.subject, encodeRequest(COUNT.subject, { upTo }), { reply: inbox, headers: toHeaders(context, { [HEADER_STREAM_ID]: streamId }, 2_000) });
    return packets;
  };
  const first = send(1_000);
  await until(() => running === 1);
  // A short one under the same id: before the fix it ran, and its end made the registry forget the first.
  const second = send(2);
  const secondPackets: StreamPacket[] = [];
  for await (const message of second) {
    const packet = decodeStreamPacket(message.string());
    secondPackets.push(packet);
    if (packet.kind !== 'reply' || packet.last) break;
  }
  expect(secondPackets).toEqual([{ kind: 'error', error: expect.objectContaining({ code: ErrorCode.Conflict, reason: 'stream_id_in_use' }) }]);
  await new Promise((resolve) => setTimeout(resolve, 100));
  await bus.call(serviceOperations('llm-gateway').cancelStream, { stream_id: streamId }, context);
  await until(() => running === 0);
  expect(running).toBe(0);
  first.unsubscribe();
  expect(app.get(StreamRegistry).size).toBe(0);
});

test('a stream that runs longer than its operation allows is ended by the service (TIMEOUT, stream_too_long) and its work stopped', async () => {
  const received: unknown[] = [];
  const failure = await (async () => {
    for await (const tick of bus.stream(SHORT, { upTo: 1_000 }, context)) received.push(tick);
  })().catch((error: unknown) => error);
  expect(failure).toMatchObject({ code: ErrorCode.Timeout, reason: 'stream_too_long' });
  // About 300 ms of 20 ms ticks: the replies before the end arrived, far fewer than asked for.
  expect(received.length).toBeGreaterThan(3);
  expect(received.length).toBeLessThan(100);
  await until(() => running === 0);
  expect(running).toBe(0);
  expect(app.get(StreamRegistry).size).toBe(0);
});

const alice: Principal = { kind: 'user', id: randomUUID(), tenantId: randomUUID(), roles: ['developer'], mfa: false };

async function tokenFor(principal: Principal): Promise<string> {
  return new SignJWT({ tid: principal.tenantId, kind: principal.kind, roles: principal.roles, mfa: principal.mfa })
    .setProtectedHeader({ alg: 'EdDSA', kid: 'k1' })
    .setIssuer(TOKEN_ISSUER)
    .setAudience(audienceOf('llm-gateway'))
    .setSubject(principal.id)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(signingKey);
}

const contextOf = async (principal: Principal) => ({ requestId: randomUUID(), token: await tokenFor(principal) });

/** The stream id header of the next request on `subject`, as the service receives it. */
function nextStreamIdOn(subject: string): Promise<string> {
  return new Promise((resolve) => {
    connection.subscribe(subject, { max: 1, callback: (_, message) => resolve(message.headers?.get(HEADER_STREAM_ID) ?? '') });
  });
}

test('a caller whose signal aborts stops waiting at once (caller_gone), and the handler’s work is stopped', async () => {
  const before = calls.stopped;
  const controller = new AbortController();
  const asked = bus.call(SLOW, { ms: 5_000 }, await contextOf(alice), { signal: controller.signal }).catch((error: unknown) => error);
  await until(() => calls.running === 1);
  const leftAt = Date.now();
  controller.abort();
  expect(await asked).toMatchObject({ code: ErrorCode.Unavailable, reason: 'caller_gone' });
  expect(Date.now() - leftAt).toBeLessThan(100);
  await until(() => calls.running === 0);
  expect([calls.running, calls.stopped]).toEqual([0, before + 1]);
  expect(app.get(StreamRegistry).size).toBe(0);
});

test('an answer that comes is the reply, and leaves nothing to cancel behind; a signal aborted before the call sends nothing', async () => {
  const controller = new AbortController();
  const before = { ...calls };
  await expect(bus.call(SLOW, { ms: 20 }, await contextOf(alice), { signal: controller.signal })).resolves.toEqual({ done: true });
  expect(app.get(StreamRegistry).size).toBe(0);
  controller.abort();
  await expect(bus.call(SLOW, { ms: 20 }, await contextOf(alice), { signal: controller.signal })).rejects.toMatchObject({ reason: 'caller_gone' });
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(calls).toEqual({ running: 0, finished: before.finished + 1, stopped: before.stopped });
});

test('only the principal that made the call may cancel it: another user, the same id in another tenant, an API key and the anonymous change nothing', async () => {
  const controller = new AbortController();
  const streamId = nextStreamIdOn(SLOW.subject);
  const asked = bus.call(SLOW, { ms: 5_000 }, await contextOf(alice), { signal: controller.signal }).catch((error: unknown) => error);
  const id = await streamId;
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  await until(() => calls.running === 1);
  const cancel = serviceOperations('llm-gateway').cancelStream;
  const others: Principal[] = [
    { ...alice, id: randomUUID() },
    { ...alice, tenantId: randomUUID() },
    { ...alice, kind: 'api_key', roles: ['service'] },
  ];
  for (const other of others) await expect(bus.call(cancel, { stream_id: id }, await contextOf(other))).resolves.toEqual({});
  await expect(bus.call(cancel, { stream_id: id }, { requestId: randomUUID() })).resolves.toEqual({});
  await new Promise((resolve) => setTimeout(resolve, 100));
  // The positive control: still running, then stopped by its own caller's leaving.
  expect(calls.running).toBe(1);
  controller.abort();
  expect(await asked).toMatchObject({ reason: 'caller_gone' });
  await until(() => calls.running === 0);
  expect(calls.running).toBe(0);
  expect(app.get(StreamRegistry).size).toBe(0);
});

test('a call of an operation that is not cancellable carries no id to cancel it by: the wait stops, the work goes on to its end', async () => {
  const controller = new AbortController();
  const before = { ...calls };
  const streamId = nextStreamIdOn(PLAIN.subject);
  const asked = bus.call(PLAIN, { ms: 300 }, await contextOf(alice), { signal: controller.signal }).catch((error: unknown) => error);
  expect(await streamId).toBe('');
  await until(() => calls.running === 1);
  controller.abort();
  expect(await asked).toMatchObject({ reason: 'caller_gone' });
  await until(() => calls.running === 0);
  expect(calls).toEqual({ running: 0, finished: before.finished + 1, stopped: before.stopped });
});

test('cancellable is for answers given once: a streamed reply always is', () => {
  expect(SLOW.cancellable).toBe(true);
  expect(PLAIN.cancellable).toBe(false);
  expect(busOperation({ service: 'llm-gateway', action: 'probe.stream', request: Work, reply: Done, authenticated: true, streaming: true }).cancellable).toBe(true);
  expect(() => busOperation({ service: 'llm-gateway', action: 'probe.both', request: Work, reply: Done, authenticated: true, streaming: true, cancellable: true })).toThrow(/always cancellable/);
});

test('with two replicas in the service’s queue group, every cancel reaches the one that holds the work', async () => {
  @Module({
    controllers: [ProbeStreams, streamCancelMessageController('llm-gateway')],
    providers: [StreamRegistry, { provide: TokenVerifier, useValue: new TokenVerifier(async () => keySet, { audience: audienceOf('llm-gateway') }) }],
  })
  class ReplicaModule {}
  const replica = await NestFactory.createMicroservice<MicroserviceOptions>(ReplicaModule, { strategy: new ReadyNatsServer({ servers: nats.url, queue: 'llm-gateway' }), logger: false });
  replica.useGlobalFilters(new BusExceptionFilter(pino({ level: 'silent' })));
  await replica.listen();
  try {
    const before = stopped;
    // Twelve streams left early: with one cancel delivered to one replica of two, about half would run on to their end (20 s).
    await Promise.all(
      Array.from({ length: 12 }, async () => {
        for await (const tick of bus.stream(COUNT, { upTo: 1_000 }, context)) {
          if (tick.n === 1) break;
        }
      }),
    );
    await until(() => running === 0);
    expect(running).toBe(0);
    expect(stopped).toBe(before + 12);
    expect(app.get(StreamRegistry).size + replica.get(StreamRegistry).size).toBe(0);
  } finally {
    await replica.close();
  }
});

const cancelOperation = serviceOperations('llm-gateway').cancelStream;

/** A cancellable call made as BusClient makes one, under an id the test chose: the caller stops reading its reply. */
function callUnder(streamId: string, caller: { requestId: string; token: string }, ms: number): { stop(): void } {
  const inbox = createInbox();
  const replies = connection.subscribe(inbox);
  connection.publish(SLOW.subject, encodeRequest(SLOW.subject, { ms }), { reply: inbox, headers: toHeaders(caller, { [HEADER_STREAM_ID]: streamId }, 10_000) });
  return { stop: () => replies.unsubscribe() };
}

test('a cancel that came before its call was registered stops the call at once, for its own principal only', async () => {
  const aliceCaller = await contextOf(alice);
  const before = { ...calls };
  // Another user, the same user id in another tenant, an API key and the anonymous name the id first: the call runs.
  const named = randomUUID();
  for (const other of [{ ...alice, id: randomUUID() }, { ...alice, tenantId: randomUUID() }, { ...alice, kind: 'api_key' as const, roles: ['service' as const] }]) {
    await expect(bus.call(cancelOperation, { stream_id: named }, await contextOf(other))).resolves.toEqual({});
  }
  await expect(bus.call(cancelOperation, { stream_id: named }, { requestId: randomUUID() })).resolves.toEqual({});
  const running = callUnder(named, aliceCaller, 5_000);
  await until(() => calls.running === 1);
  expect(calls.running).toBe(1);
  await bus.call(cancelOperation, { stream_id: named }, aliceCaller);
  await until(() => calls.running === 0);
  expect([calls.running, calls.stopped]).toEqual([0, before.stopped + 1]);
  running.stop();
  // Alice's own cancel first (her client left at once), then her call: it never starts.
  const early = randomUUID();
  await bus.call(cancelOperation, { stream_id: early }, aliceCaller);
  const cancelledFirst = callUnder(early, aliceCaller, 5_000);
  await new Promise((resolve) => setTimeout(resolve, 300));
  cancelledFirst.stop();
  expect(calls).toEqual({ running: 0, finished: before.finished, stopped: before.stopped + 1 });
  expect(app.get(StreamRegistry).size).toBe(0);
});

test('a cancel under the token the call was made with stops it once that token has expired (the edge cancels under the call’s own token); another expired token does not', async () => {
  const controller = new AbortController();
  const before = { ...calls };
  const aliceCaller = await contextOf(alice);
  const streamId = nextStreamIdOn(SLOW.subject);
  const asked = bus.call(SLOW, { ms: 5_000 }, aliceCaller, { signal: controller.signal }).catch((error: unknown) => error);
  const id = await streamId;
  await until(() => calls.running === 1);
  // The token (five minutes) has expired for the service, beyond the verifier's minute of tolerance.
  serviceClockAheadMs = 10 * 60_000;
  try {
    await expect(bus.call(PLAIN, { ms: 0 }, aliceCaller)).rejects.toMatchObject({ code: ErrorCode.Unauthenticated });
    // Another token of alice's (Ed25519 signs deterministically: another claim makes it another token), expired as well, proves nothing about this call: it runs on.
    const another = await contextOf({ ...alice, mfa: true });
    expect(another.token).not.toBe(aliceCaller.token);
    await bus.call(cancelOperation, { stream_id: id }, another);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls.running).toBe(1);
    controller.abort();
    expect(await asked).toMatchObject({ reason: 'caller_gone' });
    await until(() => calls.running === 0);
    expect(calls).toEqual({ running: 0, finished: before.finished, stopped: before.stopped + 1 });
    expect(app.get(StreamRegistry).size).toBe(0);
  } finally {
    serviceClockAheadMs = 0;
  }
});

test('a handler given the stream interceptor without its bus operation, or a streamed operation without its cap, is refused (INTERNAL, logged), with or without a stream id, not run without a cap', async () => {
  const extras: Array<Record<string, string>> = [{ [HEADER_STREAM_ID]: randomUUID() }, {}];
  for (const subject of [UNBOUND_SUBJECT, UNCAPPED.subject]) {
    for (const extra of extras) {
      const inbox = createInbox();
      const packets = connection.subscribe(inbox, { max: 1 });
      connection.publish(subject, encodeRequest(subject, {}), { reply: inbox, headers: toHeaders(context, extra, 2_000) });
      for await (const message of packets) {
        expect(decodeStreamPacket(message.string())).toEqual({ kind: 'error', error: expect.objectContaining({ code: ErrorCode.Internal }) });
      }
    }
  }
  const unbound = errorLines.filter((line) => line.includes(UNBOUND_SUBJECT));
  expect(unbound).toHaveLength(2);
  expect(unbound[0]).toContain('"code":"INTERNAL"');
  expect(unbound[0]).toContain('without its bus operation');
  const uncapped = errorLines.filter((line) => line.includes(`"subject":"${UNCAPPED.subject}"`));
  expect(uncapped).toHaveLength(2);
  expect(uncapped[0]).toContain('has no maxStreamMs');
  expect(app.get(StreamRegistry).size).toBe(0);
});
