import { z } from 'zod';
import { ServiceConfigSchema } from '@gardien/bootstrap';

/** Configuration of the audit service, validated at boot. */
export const AuditConfigSchema = ServiceConfigSchema.extend({
  /** How often the logs that grew get a new signed tree head (at least every 10 s while entries arrive). */
  GARDIEN_AUDIT_TREE_HEAD_INTERVAL_MS: z.coerce.number().int().min(100).max(10_000).default(10_000),
});
export type AuditConfig = z.infer<typeof AuditConfigSchema>;
