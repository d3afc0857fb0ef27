import { BaseConfigSchema } from '@gardien/bootstrap';

/** Configuration of the tenant service, validated at boot. */
export const TenantConfigSchema = BaseConfigSchema.extend({});
