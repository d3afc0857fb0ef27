import { ServiceConfigSchema } from '@gardien/bootstrap';

/** Configuration of the vector-store service, validated at boot. */
export const VectorStoreConfigSchema = ServiceConfigSchema.extend({});
