import { ServiceConfigSchema } from '@gardien/bootstrap';

/** Configuration of the tenant service, validated at boot. */
export const TenantConfigSchema = ServiceConfigSchema.extend({});
