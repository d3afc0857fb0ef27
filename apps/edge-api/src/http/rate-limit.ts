// Per-source rate limits (@fastify/rate-limit, keyed by the client address): a global limit on
// every route and on unknown ones, and a stricter one on /api/v1/auth/* and the GraphQL fields of the same operations,
// counted in one shared bucket so that GraphQL is no way around it. Refusals are RATE_LIMITED
// errors carrying their delay, answered as problems with Retry-After like every other error; the
// x-ratelimit-* headers of an authentication request describe its own, stricter bucket.
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { GardienError } from '@gardien/contracts';
import type { EdgeConfig } from '../config.js';
import { EdgeReason, edgeError } from '../edge.errors.js';
import { API_PREFIX, AUTH_PATH_PREFIX } from '../operations/operation.js';

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;
type LimitHook = ReturnType<FastifyInstance['rateLimit']>;

/** The global limit of each server, as a hook: for requests that meet no route's (unknown routes, the router's refusals). */
const GLOBAL_LIMIT = new WeakMap<FastifyInstance, LimitHook>();

function rateLimited(retryAfterSeconds: number): GardienError {
  return edgeError(EdgeReason.RateLimitExceeded, { retryAfterSeconds });
}

/** The stricter per-source bucket of authentication operations. */
export class AuthRateLimit {
  constructor(private readonly limiter: Limiter) {}

  /** Counts one attempt and describes this bucket in the rate-limit headers; over the limit, throws RATE_LIMITED. */
  async consume(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const result = await this.limiter(request);
    if (result.isAllowed) return;
    void reply.headers({
      'x-ratelimit-limit': result.max,
      'x-ratelimit-remaining': result.remaining,
      'x-ratelimit-reset': result.ttlInSeconds,
    });
    if (result.isExceeded) throw rateLimited(result.ttlInSeconds);
  }
}

/** Registers the limits; must run before any route is added (the plugin hooks routes as they are added). */
export async function registerRateLimits(fastify: FastifyInstance, config: EdgeConfig): Promise<AuthRateLimit> {
  await fastify.register(rateLimit, {
    global: true,
    max: config.GARDIEN_RATE_LIMIT_MAX,
    timeWindow: config.GARDIEN_RATE_LIMIT_WINDOW_MS,
    errorResponseBuilder: (_request, context) => rateLimited(Math.ceil(context.ttl / 1_000)),
  });
  // The plugin hooks routes as they are added; Fastify's not-found handler is none of them. Requests
  // for unknown routes count in the same bucket, refused before their body is parsed.
  const globalLimit = fastify.rateLimit();
  GLOBAL_LIMIT.set(fastify, globalLimit);
  fastify.addHook('onRequest', async function limitUnknownRoutes(request, reply) {
    if (request.is404) await globalLimit.call(this, request, reply);
  });
  const auth = new AuthRateLimit(fastify.createRateLimit({ max: config.GARDIEN_RATE_LIMIT_AUTH_MAX, timeWindow: config.GARDIEN_RATE_LIMIT_WINDOW_MS }));
  const authRoutes = `${API_PREFIX}${AUTH_PATH_PREFIX}`;
  const consumeAuth: onRequestHookHandler = async (request, reply) => auth.consume(request, reply);
  // A route hook, added after the global limit's own (which the plugin adds the same way), so the
  // rate-limit headers of an authentication route are those of its stricter bucket.
  fastify.addHook('onRoute', (route) => {
    if (!route.url.startsWith(authRoutes)) return;
    const hooks = route.onRequest;
    route.onRequest = hooks === undefined ? [consumeAuth] : [...(Array.isArray(hooks) ? hooks : [hooks]), consumeAuth];
  });
  return auth;
}

/**
 * Counts a request the router refused (bad percent-encoding, an over-long parameter), which meets
 * no hook, in the global limit of its source; over the limit, throws RATE_LIMITED.
 */
export async function countRouterRefusal(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const limit = GLOBAL_LIMIT.get(request.server);
  if (limit === undefined) throw new Error('the rate limits of this server are not registered');
  await limit.call(request.server, request, reply);
}
