import { ServiceConfigSchema } from '@gardien/bootstrap';

/** Configuration of the audit service, validated at boot. */
export const AuditConfigSchema = ServiceConfigSchema.extend({});
