import { BaseConfigSchema } from '@gardien/bootstrap';

/** Configuration of the audit service, validated at boot. */
export const AuditConfigSchema = BaseConfigSchema.extend({});
