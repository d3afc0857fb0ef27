import { z } from 'zod';
import { ServiceConfigSchema } from '@gardien/bootstrap';
import { ModelRuntimeConfigSchema } from '@gardien/llm-runtime';

/** Configuration of the llm-gateway service, validated at boot. */
export const LlmGatewayConfigSchema = ServiceConfigSchema.extend(ModelRuntimeConfigSchema.shape).extend({
  /** The model catalogue (JSON, see README): the only models the gateway calls. None: no model. */
  GARDIEN_MODELS_FILE: z.string().min(1).optional(),
});
export type LlmGatewayConfig = z.infer<typeof LlmGatewayConfigSchema>;
