import { BaseConfigSchema } from '@gardien/platform';

/** Configuration of the rights-pipeline service, validated at boot. */
export const RightsPipelineConfigSchema = BaseConfigSchema.extend({});
