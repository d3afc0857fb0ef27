import { ServiceConfigSchema } from '@gardien/bootstrap';

/** Configuration of the rights-pipeline service, validated at boot. */
export const RightsPipelineConfigSchema = ServiceConfigSchema.extend({});
