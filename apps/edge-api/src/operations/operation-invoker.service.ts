// What every public operation does, whichever surface it came from: check what the edge can check
// early (authentication, the credential kind, the platform role), validate the input with the
// operation's schema, then make its one bus call with the caller's verified token and pass the
// reply through. A client that goes away stops a stream, and a cancellable call answered once.
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BusClient, parsePayload, type FileReply } from '@gardien/contracts';
import { callerOf, type EdgeCaller } from '../authentication/edge-caller.js';
import { streamStallMsOf, type EdgeConfig } from '../config.js';
import { CalleeContexts } from '../authentication/callee-context.service.js';
import { EdgeReason, edgeError } from '../edge.errors.js';
import { HttpAuthenticator } from '../authentication/http-authenticator.service.js';
import { withRequestPaths, type Surface } from '../http/bus-error-paths.js';
import { AuthRateLimit } from '../http/rate-limit.js';
import { EDGE_CONFIG } from '../tokens.js';
import type { Operation } from './operation.js';
import { typedQuery } from './query-values.js';
import { clientGone, sendFile, writeEventStream, writeJsonLines } from './reply-writers.js';

type Payload = Record<string, unknown>;

@Injectable()
export class OperationInvoker {
  constructor(
    private readonly bus: BusClient,
    private readonly authenticator: HttpAuthenticator,
    private readonly authRateLimit: AuthRateLimit,
    private readonly callees: CalleeContexts,
    @Inject(EDGE_CONFIG) private readonly config: EdgeConfig,
  ) {}

  /** REST: the guard has authenticated the caller and the rate limits have run. */
  async invokeRest(operation: Operation, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    const caller = this.requireCaller(operation, callerOf(request));
    const payload = this.restPayload(operation, request);
    if (operation.replyKind === 'stream' || operation.replyKind === 'lines') {
      const context = await this.callees.of(request, caller, operation.bus.service);
      const replies = this.bus.stream(operation.bus, this.withEdgeFields(operation, payload, request), context, { signal: clientGone(reply) });
      const write = operation.replyKind === 'lines' ? writeJsonLines : writeEventStream;
      await write(request, reply, replies[Symbol.asyncIterator](), streamStallMsOf(this.config, this.bus.idleTimeoutOf(operation.bus))).catch((error: unknown) => {
        throw withRequestPaths(error, operation, 'rest');
      });
      return undefined;
    }
    const answer = await this.call(operation, payload, request, reply, caller, 'rest');
    if (operation.replyKind === 'file') return sendFile(reply, answer as FileReply);
    return operation.status === 204 ? undefined : answer;
  }

  /** The bus payload of a REST request: path parameters, query string and body, each validated. */
  private restPayload(operation: Operation, request: FastifyRequest): Payload {
    const params = parsePayload(operation.params, request.params ?? {}, 'path') as Payload;
    const query = parsePayload(operation.querySchema, typedQuery(operation.querySchema, (request.query ?? {}) as Record<string, string | string[]>), 'query') as Payload;
    // An absent body is an empty one; a body that is there must be an object (JSON `null` is not).
    const body = parsePayload(operation.body, request.body === undefined ? {} : request.body, 'body') as Payload;
    const fromPath = Object.fromEntries(operation.pathParams.map(({ name, field }) => [field, params[name]]));
    return { ...body, ...query, ...fromPath };
  }

  /** GraphQL: one field of a document; authentication and the auth limit run per field, when it needs them. */
  async invokeGraphql(operation: Operation, args: Payload, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    // In the order of REST: the stricter limit first (REST counts it in onRequest), then authentication.
    if (operation.authLimited) await this.authRateLimit.consume(request, reply);
    const caller = operation.auth === 'authenticated' ? await this.authenticator.authenticate(request, reply) : undefined;
    this.requireCaller(operation, caller);
    // GraphQL's null means "not given"; the schemas' optional fields do not take null.
    const given = Object.fromEntries(Object.entries(args).filter(([, value]) => value !== null));
    const result = await this.call(operation, parsePayload(operation.input, given, 'args') as Payload, request, reply, caller, 'graphql');
    return operation.status === 204 ? true : result;
  }

  private requireCaller(operation: Operation, caller: EdgeCaller | undefined): EdgeCaller | undefined {
    if (operation.auth === 'public') return undefined;
    if (!caller) throw edgeError(EdgeReason.CredentialsRequired);
    if (caller.via === 'api-key' && !operation.credentials.includes('api-key')) throw edgeError(EdgeReason.ApiKeyNotAccepted);
    // Services decide every other rule; this one is simple enough to refuse before any bus call.
    if (operation.isolation === 'platform' && !caller.principal.roles.includes('superadmin')) {
      throw edgeError(EdgeReason.SuperadminOnly);
    }
    return caller;
  }

  private withEdgeFields(operation: Operation, given: Payload, request: FastifyRequest): Payload {
    return operation.adds.includes('source') ? { ...given, source: request.ip } : given;
  }

  private async call(operation: Operation, given: Payload, request: FastifyRequest, reply: FastifyReply, caller: EdgeCaller | undefined, surface: Surface): Promise<unknown> {
    const payload = this.withEdgeFields(operation, given, request);
    const context = await this.callees.of(request, caller, operation.bus.service);
    // A client that goes away stops the work of a cancellable operation (a model call) as of a stream.
    const options = {
      ...(operation.timeoutMs !== undefined ? { timeoutMs: operation.timeoutMs } : {}),
      ...(operation.bus.cancellable ? { signal: clientGone(reply) } : {}),
    };
    return this.bus.call(operation.bus, payload, context, options).catch((error: unknown) => {
      throw withRequestPaths(error, operation, surface);
    });
  }
}
