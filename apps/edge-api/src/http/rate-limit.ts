// Per-source rate limits (@fastify/rate-limit, keyed by the client address): a global limit on
// every route, and a stricter one on /api/v1/auth/* and the GraphQL fields of the same operations,
// counted in one shared bucket so that GraphQL is no way around it. Refusals are RATE_LIMITED
// problems (429, Retry-After) through the ProblemFilter like every other error.
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode, GardienError } from '@gardien/contracts';
import type { EdgeConfig } from '../config.js';
import { API_PREFIX, AUTH_PATH_PREFIX } from '../operations/operation.js';

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;

function rateLimited(): GardienError {
  return new GardienError(ErrorCode.RateLimited, 'too many requests');
}

/** The stricter per-source bucket of authentication operations. */
export class AuthRateLimit {
  constructor(private readonly limiter: Limiter) {}

  /** Counts one attempt; over the limit, sets Retry-After and throws RATE_LIMITED. */
  async consume(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const result = await this.limiter(request);
    if (result.isAllowed || !result.isExceeded) return;
    void reply.header('retry-after', result.ttlInSeconds);
    throw rateLimited();
  }
}

/** Registers the limits; must run before any route is added (the plugin hooks routes as they are added). */
export async function registerRateLimits(fastify: FastifyInstance, config: EdgeConfig): Promise<AuthRateLimit> {
  await fastify.register(rateLimit, {
    global: true,
    max: config.GARDIEN_RATE_LIMIT_MAX,
    timeWindow: config.GARDIEN_RATE_LIMIT_WINDOW_MS,
    errorResponseBuilder: rateLimited,
  });
  const auth = new AuthRateLimit(fastify.createRateLimit({ max: config.GARDIEN_RATE_LIMIT_AUTH_MAX, timeWindow: config.GARDIEN_RATE_LIMIT_WINDOW_MS }));
  const authRoutes = `${API_PREFIX}${AUTH_PATH_PREFIX}`;
  fastify.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.url?.startsWith(authRoutes)) await auth.consume(request, reply);
  });
  return auth;
}
