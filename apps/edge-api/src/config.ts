import { z } from 'zod';
import { BaseConfigSchema } from '@gardien/bootstrap';

const perWindow = z.coerce.number().int().min(1).max(1_000_000);

/** Configuration of the HTTP edge, validated at boot. */
export const EdgeConfigSchema = BaseConfigSchema.extend({
  GARDIEN_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  GARDIEN_HTTP_PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  GARDIEN_HEALTH_TIMEOUT_MS: z.coerce.number().int().min(50).max(4_000).default(1_000),
  GARDIEN_BODY_LIMIT_BYTES: z.coerce.number().int().min(1_024).max(64 * 1024 * 1024).default(1024 * 1024),
  /** The body limit of POST /graphql: a document and its variables, far smaller than any REST body may be. */
  GARDIEN_GRAPHQL_BODY_LIMIT_BYTES: z.coerce.number().int().min(1_024).max(16 * 1024 * 1024).default(64 * 1024),
  /**
   * How long a client has to send its whole request, headers and body (408 after it): a client
   * that sends a Content-Length and then holds the body back cannot keep a connection forever.
   * Streamed answers are not bounded by it.
   */
  GARDIEN_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(300_000).default(30_000),
  /**
   * How long a client that takes nothing of a streamed answer may hold it before it is dropped and
   * the service told to stop: the operation's idle timeout when unset (a model's stream: 120 s), and
   * never more than it.
   */
  GARDIEN_STREAM_STALL_MS: z.coerce.number().int().min(100).max(600_000).optional(),
  /** Requests per client address and window, on every route. */
  GARDIEN_RATE_LIMIT_MAX: perWindow.default(600),
  /** Requests per client address and window on /api/v1/auth/* (and their GraphQL fields), on top of the global limit. */
  GARDIEN_RATE_LIMIT_AUTH_MAX: perWindow.default(30),
  GARDIEN_RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(60_000),
  /**
   * Addresses or CIDR ranges of the reverse proxies whose X-Forwarded-For is believed (comma-separated).
   * `none`, or unset (development only): the client address is the peer's, so behind a proxy every
   * client would share one limit.
   */
  GARDIEN_TRUSTED_PROXIES: z
    .string()
    .regex(/^(?:none|[0-9A-Fa-f.:/]+(,[0-9A-Fa-f.:/]+)*)$/)
    .optional(),
});
export type EdgeConfig = z.infer<typeof EdgeConfigSchema>;

/** What GARDIEN_TRUSTED_PROXIES says when the edge faces its clients directly, with no proxy in front. */
export const NO_TRUSTED_PROXY = 'none';

/**
 * In production the trusted proxies must be stated, `none` included: behind a reverse proxy, a
 * forgotten setting makes every client the proxy's address, one source for the per-source limits
 * and login throttling (twenty bad logins would then lock everyone out).
 */
export function requireTrustedProxiesInProduction(config: Pick<EdgeConfig, 'GARDIEN_ENV' | 'GARDIEN_TRUSTED_PROXIES'>, context: z.RefinementCtx): void {
  if (config.GARDIEN_ENV === 'production' && config.GARDIEN_TRUSTED_PROXIES === undefined) {
    context.addIssue({ code: 'custom', path: ['GARDIEN_TRUSTED_PROXIES'], message: 'required in production (addresses or CIDR ranges of the proxies, or none)' });
  }
}

/** Fastify's `trustProxy`: the proxies' addresses, or false when no proxy is trusted. */
export function trustedProxiesOf(config: Pick<EdgeConfig, 'GARDIEN_TRUSTED_PROXIES'>): string | false {
  const proxies = config.GARDIEN_TRUSTED_PROXIES;
  return proxies === undefined || proxies === NO_TRUSTED_PROXY ? false : proxies;
}

/** How long the stream writer waits for a client that takes nothing: the operation's idle timeout, or less when configured. */
export function streamStallMsOf(config: Pick<EdgeConfig, 'GARDIEN_STREAM_STALL_MS'>, idleTimeoutMs: number): number {
  return Math.min(idleTimeoutMs, config.GARDIEN_STREAM_STALL_MS ?? idleTimeoutMs);
}
