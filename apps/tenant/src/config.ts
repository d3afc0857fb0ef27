import { BaseConfigSchema } from '@gardien/platform';

/** Configuration of the tenant service, validated at boot. */
export const TenantConfigSchema = BaseConfigSchema.extend({});
