// Streamed replies end to end on a real NATS: BusClient.stream -> a handler returning an Observable
// -> each reply validated, in order, until the end; an error mid-stream arrives typed; a consumer
// that stops early has the handler's work stopped (its Observable unsubscribed), by its starter only.
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { connect, createInbox, type NatsConnection } from '@nats-io/transport-node';
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
  toHeaders,
} from '@gardien/contracts';
import { PrivateNats } from '@gardien/testing';
import { BusExceptionFilter } from './bus-exception.filter.js';
import { Handles, RequestPayload } from './handles.decorator.js';
import { ReadyNatsServer } from './ready-nats.server.js';
import { streamCancelMessageController } from './stream-cancel.controller-factory.js';
import { StreamRegistry } from './stream-registry.js';

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

@Module({
  controllers: [ProbeStreams, streamCancelMessageController('llm-gateway')],
  providers: [StreamRegistry, { provide: TokenVerifier, useValue: new TokenVerifier(async () => ({ keys: [] }), { audience: audienceOf('llm-gateway') }) }],
})
class ProbeModule {}

let nats: PrivateNats;
let app: INestMicroservice;
let connection: NatsConnection;
let bus: BusClient;
const context = { requestId: '0c8f6a52-3b1e-4d7a-9f20-5e6d7c8b9a01' };

beforeAll(async () => {
  nats = await PrivateNats.start();
  app = await NestFactory.createMicroservice<MicroserviceOptions>(ProbeModule, { strategy: new ReadyNatsServer({ servers: nats.url, queue: 'llm-gateway' }), logger: false });
  app.useGlobalFilters(new BusExceptionFilter(pino({ level: 'silent' })));
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
