// Test support for the edge's integration tests (not built into dist): the edge application
// started in-process on a NATS server of the test's own, small fake responders in place of the
// auth and tenant services, and Ed25519 token signing with a key set the fake auth publishes.
import { createHash } from 'node:crypto';
import type http from 'node:http';
import net from 'node:net';
import { connect, type Msg, type NatsConnection } from '@nats-io/transport-node';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import {
  AUTH_OPERATIONS,
  BusClient,
  HEADER_AUTHORIZATION,
  HEADER_STREAM_ID,
  TOKEN_ISSUER,
  audienceOf,
  tokenExchangeOperation,
  type AccessTokenClaims,
  type ErrorCode,
  type ErrorDetail,
  type JsonWebKeySet,
} from '@gardien/contracts';
import { ServiceMetrics, createLogger } from '@gardien/observability';
import { EdgeConfigSchema } from '../config.js';
import { createEdgeApplication } from '../edge-app.js';
import type { Operation } from '../operations/operation.js';

export interface BusCall {
  subject: string;
  payload: unknown;
  /** The access token the message carried, without "Bearer ". */
  token: string | undefined;
  /** The id a stream, or a cancellable call answered once, is cancelled by, when the message carried one. */
  streamId?: string;
}

/** The token the fake auth gives for `token` exchanged for `audience`: recognisable in assertions. */
export function exchangedFor(token: string, audience: string): string {
  return `exchanged.${audience}.${createHash('sha256').update(token).digest('base64url')}`;
}

const EXCHANGE = tokenExchangeOperation('edge-api').subject;

/** What a fake responder answers: a reply, or an error envelope. */
export type FakeAnswer =
  | { response: unknown }
  | { err: { code: `${ErrorCode}`; reason?: string; message: string; details?: ErrorDetail[]; retryAfterSeconds?: number } };
/** Undefined: no answer, as a handler still working (until its caller cancels it, or gives up). */
type Responder = (payload: unknown, call: BusCall) => FakeAnswer | undefined;
/**
 * A streamed answer: its replies in order (an `err` ends it), as a Nest handler returning an
 * Observable sends them; `keepOpen` leaves the stream unfinished, as a handler still working.
 */
type StreamResponder = (payload: unknown, call: BusCall) => FakeAnswer[] | { replies: FakeAnswer[]; keepOpen: true };

/** Answers every `gardien.v1.>` request the way a Nest microservice would, and records each call. */
export class FakeServices {
  readonly calls: BusCall[] = [];
  private readonly responders = new Map<string, Responder>();
  private readonly streamResponders = new Map<string, StreamResponder>();

  private constructor(private readonly connection: NatsConnection) {
    // Like auth: a client's token, which the edge verified, re-issued for the service it calls.
    this.on(EXCHANGE, (payload, call) =>
      call.token ? { response: { access_token: exchangedFor(call.token, (payload as { audience: string }).audience), expires_in: 300 } } : { err: { code: 'UNAUTHENTICATED', message: 'no token' } },
    );
    connection.subscribe('gardien.v1.>', {
      callback: (error, message) => {
        if (!error) this.answer(message);
      },
    });
  }

  static async start(natsUrl: string): Promise<FakeServices> {
    const services = new FakeServices(await connect({ servers: natsUrl }));
    await services.connection.flush();
    return services;
  }

  on(subject: string, responder: Responder): void {
    this.responders.set(subject, responder);
  }

  onStream(subject: string, responder: StreamResponder): void {
    this.streamResponders.set(subject, responder);
  }

  callsTo(subject: string): BusCall[] {
    return this.calls.filter((call) => call.subject === subject);
  }

  /** Calls other than key-set fetches and token exchanges, which the edge makes whenever its caches allow. */
  operationCalls(): BusCall[] {
    return this.calls.filter((call) => call.subject !== AUTH_OPERATIONS.jwks.subject && call.subject !== EXCHANGE);
  }

  forget(): void {
    this.calls.length = 0;
  }

  async close(): Promise<void> {
    await this.connection.drain();
  }

  private answer(message: Msg): void {
    const packet = JSON.parse(message.string()) as { pattern: string; data: unknown; id: string };
    const authorization = message.headers?.get(HEADER_AUTHORIZATION);
    const streamId = message.headers?.get(HEADER_STREAM_ID);
    const call: BusCall = {
      subject: message.subject,
      payload: packet.data,
      token: authorization ? authorization.replace(/^Bearer /, '') : undefined,
      ...(streamId ? { streamId } : {}),
    };
    this.calls.push(call);
    const streamed = this.streamResponders.get(message.subject);
    if (streamed) {
      const answered = streamed(packet.data, call);
      const replies = Array.isArray(answered) ? answered : answered.replies;
      for (const answer of replies) message.respond(JSON.stringify({ id: packet.id, ...answer }));
      if (Array.isArray(answered)) message.respond(JSON.stringify({ id: packet.id, isDisposed: true }));
      return;
    }
    const responder = this.responders.get(message.subject);
    const answer = responder ? responder(packet.data, call) : { err: { code: 'NOT_FOUND' as const, message: 'no handler for this subject' } };
    if (!answer) return;
    message.respond(JSON.stringify({ id: packet.id, ...answer, isDisposed: true }));
  }
}

/** An Ed25519 signing key like the auth service's, and its public JWK. */
export class SigningKey {
  private constructor(
    readonly kid: string,
    private readonly privateKey: CryptoKey,
    readonly jwk: JsonWebKeySet['keys'][number],
  ) {}

  static async create(kid: string): Promise<SigningKey> {
    const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const { x } = await exportJWK(publicKey);
    return new SigningKey(kid, privateKey, { kty: 'OKP', crv: 'Ed25519', x: x!, kid, alg: 'EdDSA', use: 'sig' });
  }

  /** An access token as auth issues them to clients (for the edge); `kid` lets a test borrow another key's id. */
  sign(claims: Partial<AccessTokenClaims> & { sub: string }, options: { kid?: string; expiresIn?: string | number; audience?: string } = {}): Promise<string> {
    const { sub, ...rest } = claims;
    return new SignJWT({ tid: null, kind: 'user', roles: [], mfa: true, ...rest })
      .setProtectedHeader({ alg: 'EdDSA', kid: options.kid ?? this.kid })
      .setIssuer(TOKEN_ISSUER)
      .setAudience(options.audience ?? audienceOf('edge-api'))
      .setSubject(sub)
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? '10m')
      .sign(this.privateKey);
  }
}

export interface RunningEdge {
  app: NestFastifyApplication;
  url: string;
  /** Every line the edge logged. */
  logLines: string[];
  close(): Promise<void>;
}

/** The edge as `main.ts` builds it, listening on a free port of 127.0.0.1. */
export async function startEdge(natsUrl: string, env: Record<string, string> = {}, operations?: readonly Operation[]): Promise<RunningEdge> {
  const config = EdgeConfigSchema.parse({ GARDIEN_NATS_URL: natsUrl, GARDIEN_BUS_TIMEOUT_MS: '2000', ...env });
  const connection = await connect({ servers: natsUrl });
  const logLines: string[] = [];
  const logger = createLogger({ service: 'edge-api', level: 'info', destination: { write: (line: string) => void logLines.push(line) } });
  const app = await createEdgeApplication({
    config,
    bus: new BusClient(connection, config.GARDIEN_BUS_TIMEOUT_MS),
    logger,
    metrics: new ServiceMetrics('edge-api'),
    ...(operations ? { operations } : {}),
  });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return {
    app,
    url: `http://127.0.0.1:${address.port}`,
    logLines,
    close: async () => {
      await app.close();
      await connection.drain();
    },
  };
}

/** What an edge integration test runs against, on the test's own nats-server: fake services publishing a key set, and the edge. */
export interface EdgeBench {
  fakes: FakeServices;
  /** Signs tokens the edge accepts (its public key is the fake auth's key set). */
  key: SigningKey;
  edge: RunningEdge;
  close(): Promise<void>;
}

/** Starts the bench; `prepare` installs the fake answers the test needs before the edge starts. */
export async function startEdgeBench(
  natsUrl: string,
  env: Record<string, string> = {},
  prepare: (fakes: FakeServices) => void = () => undefined,
): Promise<EdgeBench> {
  const fakes = await FakeServices.start(natsUrl);
  const key = await SigningKey.create('key-1');
  fakes.on(AUTH_OPERATIONS.jwks.subject, () => ({ response: { keys: [key.jwk] } }));
  prepare(fakes);
  const edge = await startEdge(natsUrl, env);
  return {
    fakes,
    key,
    edge,
    close: async () => {
      await edge.close();
      await fakes.close();
    },
  };
}

/**
 * Sends a raw HTTP request from a client that never reads a byte of the answer, until `done()`
 * (or about 7 s): the most the edge held for it in its socket's buffer, and whether the edge dropped it.
 */
export async function stalledClient(edge: RunningEdge, request: string, done: () => boolean): Promise<{ mostBuffered: number; dropped: boolean }> {
  const server = edge.app.getHttpServer() as http.Server;
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const client = net.connect(Number(new URL(edge.url).port), '127.0.0.1');
  client.pause();
  client.write(request);
  try {
    const socket = await accepted;
    let mostBuffered = 0;
    for (let i = 0; i < 300 && !done(); i++) {
      mostBuffered = Math.max(mostBuffered, socket.writableLength);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return { mostBuffered, dropped: socket.destroyed };
  } finally {
    client.destroy();
  }
}
