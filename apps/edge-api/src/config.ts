import { z } from 'zod';
import { BaseConfigSchema } from '@gardien/bootstrap';

/** Configuration of the HTTP edge, validated at boot. */
export const EdgeConfigSchema = BaseConfigSchema.extend({
  GARDIEN_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  GARDIEN_HTTP_PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  GARDIEN_HEALTH_TIMEOUT_MS: z.coerce.number().int().min(50).max(4_000).default(1_000),
  GARDIEN_BODY_LIMIT_BYTES: z.coerce.number().int().min(1_024).max(64 * 1024 * 1024).default(1024 * 1024),
});
export type EdgeConfig = z.infer<typeof EdgeConfigSchema>;
