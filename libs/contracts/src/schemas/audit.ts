// An audit entry as it travels in stream AUDIT. Metadata only: ids, codes, counts, durations.
// Free text is not accepted anywhere in it, so that no personal data can be put into one.
import { z } from 'zod';

const Identifier = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/);
const DetailValue = z.union([Identifier, z.number().finite(), z.boolean(), z.null()]);

export const AuditEntry = z
  .object({
    id: z.string().uuid(),
    occurredAt: z.string().datetime(),
    service: Identifier,
    /** What happened, e.g. "retention.purged", "user.created". */
    action: z.string().regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/),
    outcome: z.enum(['success', 'failure', 'denied']),
    tenantId: z.string().uuid().nullable(),
    actor: z.object({ type: z.enum(['user', 'service', 'system']), id: Identifier }).strict(),
    target: z.object({ type: Identifier, id: Identifier }).strict().nullable(),
    details: z.record(Identifier, DetailValue),
    requestId: Identifier.nullable(),
  })
  .strict();
export type AuditEntry = z.infer<typeof AuditEntry>;
