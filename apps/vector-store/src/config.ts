import { BaseConfigSchema } from '@gardien/platform';

/** Configuration of the vector-store service, validated at boot. */
export const VectorStoreConfigSchema = BaseConfigSchema.extend({});
