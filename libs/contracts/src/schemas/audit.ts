// An audit entry as it travels in stream AUDIT. Metadata only: ids, codes, counts, durations.
// Free text is not accepted anywhere in it, so that no personal data can be put into one.
import { z } from 'zod';
import { Uuid } from './primitives.js';

/** Names of things of the system (a job, a kind of data, a type): lower-case letters and hyphens only,
 * so that no email, phone number, IBAN or free text fits. */
const SystemName = z.string().regex(/^[a-z][a-z-]{0,62}$/);
const Identifier = z.union([Uuid, SystemName]);
const DetailKey = z.string().regex(/^[a-z][a-zA-Z]{0,62}$/);
const DetailValue = z.union([Identifier, z.number().finite(), z.boolean(), z.null()]);

export const AuditEntry = z
  .object({
    id: z.string().uuid(),
    occurredAt: z.string().datetime(),
    service: SystemName,
    /** What happened, e.g. "retention.purged", "user.created". */
    action: z.string().regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/),
    outcome: z.enum(['success', 'failure', 'denied']),
    tenantId: z.string().uuid().nullable(),
    actor: z.object({ type: z.enum(['user', 'service', 'system']), id: Identifier }).strict(),
    target: z.object({ type: Identifier, id: Identifier }).strict().nullable(),
    details: z.record(DetailKey, DetailValue),
    requestId: Uuid.nullable(),
  })
  .strict();
export type AuditEntry = z.infer<typeof AuditEntry>;
