import { BaseConfigSchema } from '@gardien/bootstrap';

/** Configuration of the vector-store service, validated at boot. */
export const VectorStoreConfigSchema = BaseConfigSchema.extend({});
