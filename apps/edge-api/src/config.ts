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
  /** Requests per client address and window, on every route. */
  GARDIEN_RATE_LIMIT_MAX: perWindow.default(600),
  /** Requests per client address and window on /api/v1/auth/* (and their GraphQL fields), on top of the global limit. */
  GARDIEN_RATE_LIMIT_AUTH_MAX: perWindow.default(30),
  GARDIEN_RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(60_000),
  /**
   * Addresses or CIDR ranges of the reverse proxies whose X-Forwarded-For is believed (comma-separated).
   * Unset: the client address is the peer's, so behind a proxy every client would share one limit.
   */
  GARDIEN_TRUSTED_PROXIES: z
    .string()
    .regex(/^[0-9A-Fa-f.:/]+(,[0-9A-Fa-f.:/]+)*$/)
    .optional(),
});
export type EdgeConfig = z.infer<typeof EdgeConfigSchema>;
