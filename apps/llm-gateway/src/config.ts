import { BaseConfigSchema } from '@gardien/platform';

/** Configuration of the llm-gateway service, validated at boot. */
export const LlmGatewayConfigSchema = BaseConfigSchema.extend({});
