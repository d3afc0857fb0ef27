import { BaseConfigSchema } from '@gardien/platform';

/** Configuration of the audit service, validated at boot. */
export const AuditConfigSchema = BaseConfigSchema.extend({});
