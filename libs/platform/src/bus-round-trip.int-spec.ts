// The bus contract end to end, against a real NATS: BusClient -> Nest microservice (queue group,
// filter, interceptor, @Handles binding, call-context decorators) -> reply. Headers arrive, errors come back typed,
// unknown errors say nothing of themselves, silence becomes TIMEOUT and absence UNAVAILABLE.
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { pino } from 'pino';
import { z } from 'zod';
import { BusClient, ErrorCode, GardienError, busOperation, type CallContext, type CallScope } from '@gardien/contracts';
import { CryptoError, CryptoErrorCode } from '@gardien/crypto';
import { ServiceMetrics } from '@gardien/observability';
import { PrivateNats } from '@gardien/testing';
import { BusExceptionFilter } from './bus-exception.filter.js';
import { BusObserverInterceptor } from './bus-observer.interceptor.js';
import { CurrentCallContext, CurrentCallScope } from './call-context.decorator.js';
import { Handles, RequestPayload } from './handles.decorator.js';
import { ReadyNatsServer } from './ready-nats.server.js';

const Echo = z.object({ word: z.string().max(20) }).strict();
const EchoReply = z.object({ word: z.string(), caller: z.record(z.string(), z.string()), budgetMs: z.number().nullable() });
const Nothing = z.object({}).strict();
const probe = (action: string, timeoutMs?: number) =>
  busOperation({ service: 'tenant', action: `probe.${action}`, request: Nothing, reply: z.unknown(), authenticated: false, ...(timeoutMs ? { timeoutMs } : {}) });
const PROBES = {
  echo: busOperation({ service: 'tenant', action: 'probe.echo', request: Echo, reply: EchoReply, authenticated: false }),
  refuse: probe('refuse'),
  scope: probe('scope'),
  erased: probe('erased'),
  crash: probe('crash'),
  slow: probe('slow', 100),
};
const NOBODY = busOperation({ service: 'audit', action: 'nobody', request: Nothing, reply: z.unknown(), authenticated: false });

@Controller()
class ProbeController {
  @Handles(PROBES.echo)
  echo(@RequestPayload() payload: z.infer<typeof Echo>, @CurrentCallContext() caller: CallContext) {
    const { deadline, ...ids } = caller;
    return { word: payload.word, caller: ids, budgetMs: deadline === undefined ? null : deadline - Date.now() };
  }

  /** What an open operation's handler gets: the request, its trace and deadline, the same deadline as its context's, no token. */
  @Handles(PROBES.scope)
  scope(@CurrentCallScope() scope: CallScope, @CurrentCallContext() context: CallContext) {
    return { keys: Object.keys(scope).sort(), sameDeadline: scope.deadline === context.deadline };
  }

  @Handles(PROBES.refuse)
  refuse(): never {
    throw new GardienError(ErrorCode.Forbidden, 'not for you');
  }

  @Handles(PROBES.erased)
  erased(): never {
    throw new CryptoError(CryptoErrorCode.SubjectErased, 'people/r1 belongs to an erased subject');
  }

  @Handles(PROBES.crash)
  crash(): never {
    throw new Error('leaky message jean@exemple.fr');
  }

  @Handles(PROBES.slow)
  async slow(): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, 500));
    return 'late';
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

let nats: PrivateNats;
let app: INestMicroservice;
let connection: NatsConnection;
let bus: BusClient;
const metrics = new ServiceMetrics('probe');

beforeAll(async () => {
  nats = await PrivateNats.start();
  app = await NestFactory.createMicroservice<MicroserviceOptions>(ProbeModule, {
    strategy: new ReadyNatsServer({ servers: nats.url, queue: 'tenant' }),
    logger: false,
  });
  app.useGlobalFilters(new BusExceptionFilter(pino({ level: 'silent' })));
  app.useGlobalInterceptors(new BusObserverInterceptor(metrics));
  await app.listen();
  connection = await connect({ servers: nats.url });
  bus = new BusClient(connection, 2_000);
});

afterAll(async () => {
  await connection?.close();
  await app?.close();
  await nats?.dispose();
});

const caller: CallContext = {
  requestId: '0c8f6a52-3b1e-4d7a-9f20-5e6d7c8b9a01',
  token: 'eyJhbGciOiJFZERTQSJ9.e30.sig',
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
};

test('payload and caller context (token, traceparent, request id, deadline) reach the handler', async () => {
  const reply = await bus.call(PROBES.echo, { word: 'hello' }, caller);
  expect(reply).toEqual({
    word: 'hello',
    caller: { requestId: '0c8f6a52-3b1e-4d7a-9f20-5e6d7c8b9a01', token: caller.token, traceparent: caller.traceparent },
    budgetMs: expect.any(Number),
  });
  // The handler knows when the caller stops waiting: within the request's timeout (2 s here).
  expect(reply.budgetMs).toBeGreaterThan(1_000);
  expect(reply.budgetMs).toBeLessThanOrEqual(2_000);
  const short = await bus.call(PROBES.echo, { word: 'hi' }, caller, { timeoutMs: 300 });
  expect(short.budgetMs).toBeLessThanOrEqual(300);
});

test('an open operation gets the scope of its request (id, trace, deadline) without the token, made once per message', async () => {
  expect(await bus.call(PROBES.scope, {}, caller)).toEqual({ keys: ['deadline', 'requestId', 'traceparent'], sameDeadline: true });
});

test('an invalid payload comes back as VALIDATION_FAILED with paths, not values', async () => {
  const error = (await bus
    .call(PROBES.echo, { word: 'x'.repeat(50), email: 'a@b.fr' } as unknown as { word: string }, caller)
    .catch((e: unknown) => e)) as GardienError;
  expect(error).toBeInstanceOf(GardienError);
  expect(error.code).toBe(ErrorCode.ValidationFailed);
  expect(JSON.stringify(error.details)).not.toContain('a@b.fr');
});

test('a NUL character or a lone surrogate sent straight onto the bus is refused by the handler\'s validation, value unechoed', async () => {
  for (const [word, reason] of [['jean\u0000', 'contains_nul'], ['jean\ud800', 'lone_surrogate']] as const) {
    const error = (await bus.call(PROBES.echo, { word }, caller).catch((e: unknown) => e)) as GardienError;
    expect(error).toMatchObject({ code: ErrorCode.ValidationFailed, details: [{ path: 'payload.word', reason }] });
    expect(JSON.stringify(error.details)).not.toContain('jean');
  }
});

test('a GardienError thrown by a handler arrives with its code', async () => {
  await expect(bus.call(PROBES.refuse, {}, caller)).rejects.toMatchObject({
    code: ErrorCode.Forbidden,
    message: 'not for you',
  });
});

test('a reason crosses the bus with its code and its own message: an erased subject is GONE, subject_erased', async () => {
  const error = (await bus.call(PROBES.erased, {}, caller).catch((e: unknown) => e)) as GardienError;
  expect(error).toBeInstanceOf(GardienError);
  expect(error.toEnvelope()).toEqual({ code: ErrorCode.Gone, reason: 'subject_erased', message: 'the data of this subject was erased' });
});

test('an unexpected error arrives as INTERNAL without its message', async () => {
  const error = (await bus.call(PROBES.crash, {}, caller).catch((e: unknown) => e)) as GardienError;
  expect(error).toMatchObject({ code: ErrorCode.Internal, message: 'internal error' });
  expect(String(error.message)).not.toContain('jean');
});

test('a handler that does not answer in time gives TIMEOUT; a subject nobody serves gives UNAVAILABLE', async () => {
  await expect(bus.call(PROBES.slow, {}, caller)).rejects.toMatchObject({
    code: ErrorCode.Timeout,
    reason: 'service_timeout',
  });
  await expect(bus.call(NOBODY, {}, caller)).rejects.toMatchObject({ code: ErrorCode.Unavailable, reason: 'service_unavailable' });
});

test('handler latency and errors are counted by subject and code', async () => {
  const text = await metrics.registry.metrics();
  expect(text).toMatch(/gardien_handler_duration_seconds_count\{service="probe",handler="gardien.v1.tenant.probe.echo",outcome="ok"\} [1-9]/);
  expect(text).toMatch(/gardien_handler_errors_total\{handler="gardien.v1.tenant.probe.refuse",code="FORBIDDEN",service="probe"\} 1/);
});

test('a call on a closed connection is UNAVAILABLE with the reason bus_unavailable, not a transport error', async () => {
  const closed = await connect({ servers: nats.url });
  await closed.close();
  await expect(new BusClient(closed).call(PROBES.echo, { text: 'x' } as never, caller)).rejects.toMatchObject({ code: ErrorCode.Unavailable, reason: 'bus_unavailable' });
});
