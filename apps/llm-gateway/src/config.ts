import { z } from 'zod';
import { ServiceConfigSchema } from '@gardien/bootstrap';
import { ModelRuntimeConfigSchema } from '@gardien/llm-runtime';

/** Configuration of the llm-gateway service, validated at boot. */
export const LlmGatewayConfigSchema = ServiceConfigSchema.extend(ModelRuntimeConfigSchema.shape).extend({
  /** The model catalogue (JSON, see README): the only models the gateway calls. None: no model. */
  GARDIEN_MODELS_FILE: z.string().min(1).optional(),
  /** Model calls of one tenant running at once in this replica; more are refused (429, too_many_calls). */
  GARDIEN_LLM_MAX_CONCURRENT_PER_TENANT: z.coerce.number().int().min(1).max(10_000).default(16),
  /** Model calls running at once in this replica, all tenants together. */
  GARDIEN_LLM_MAX_CONCURRENT: z.coerce.number().int().min(1).max(100_000).default(64),
});
export type LlmGatewayConfig = z.infer<typeof LlmGatewayConfigSchema>;
