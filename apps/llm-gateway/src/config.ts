import { ServiceConfigSchema } from '@gardien/bootstrap';

/** Configuration of the llm-gateway service, validated at boot. */
export const LlmGatewayConfigSchema = ServiceConfigSchema.extend({});
