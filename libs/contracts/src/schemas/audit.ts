// An audit entry as it travels in stream AUDIT. Metadata only: ids, codes, counts, durations.
// Free text is not accepted anywhere in it, so that no personal data can be put into one. Its
// action is one of the catalogue's, and its target of the type that action takes.
import { z } from 'zod';
import { AUDIT_ACTIONS, AUDIT_ACTION_NAMES, AUDIT_TARGET_TYPES } from './audit-actions.js';
import { Uuid } from './primitives.js';

/** Names of things of the system (a job, a kind of data, a type): lower-case letters and hyphens only,
 * so that no email, phone number, IBAN or free text fits. */
const SystemName = z.string().regex(/^[a-z][a-z-]{0,62}$/);
/** What an entry names an actor, a target or a detail by: a uuid, or a name of the system. */
export const AuditIdentifier = z.union([Uuid, SystemName]);
const Identifier = AuditIdentifier;
const DetailKey = z.string().regex(/^[a-z][a-zA-Z]{0,62}$/);
const DetailValue = z.union([Identifier, z.number().finite(), z.boolean(), z.null()]);

/** The parts an entry has under both of its names, on the stream and in the log. */
const Actor = z.object({ type: z.enum(['user', 'service', 'system']), id: Identifier }).strict();
const Target = z.object({ type: z.enum(AUDIT_TARGET_TYPES), id: Identifier }).strict().nullable();
const Outcome = z.enum(['success', 'failure', 'denied']);
const Details = z.record(DetailKey, DetailValue);

export const AuditEntry = z
  .object({
    id: z.string().uuid(),
    occurredAt: z.string().datetime(),
    service: SystemName,
    /** What happened, from the catalogue: "retention.purged", "user.created". */
    action: z.enum(AUDIT_ACTION_NAMES),
    outcome: Outcome,
    tenantId: z.string().uuid().nullable(),
    actor: Actor,
    target: Target,
    details: Details,
    requestId: Uuid.nullable(),
  })
  .strict()
  .superRefine((entry, context) => {
    const expected = AUDIT_ACTIONS[entry.action];
    if ((entry.target?.type ?? null) !== expected) context.addIssue({ code: 'custom', path: ['target'], message: 'not the target type of this action' });
  });
export type AuditEntry = z.infer<typeof AuditEntry>;

/**
 * An entry as the audit log keeps it, hashes it (the JCS of this object) and exports it: the
 * entry of the stream under the names auditors read (`ts`, `tenant`, `metadata`).
 */
export const LogEntry = z
  .object({
    id: z.string().uuid(),
    ts: z.string().datetime(),
    tenant: z.string().uuid().nullable(),
    service: SystemName,
    actor: Actor,
    action: z.enum(AUDIT_ACTION_NAMES),
    target: Target,
    outcome: Outcome,
    metadata: Details,
    request_id: Uuid.nullable(),
  })
  .strict();
export type LogEntry = z.infer<typeof LogEntry>;

export function logEntryOf(entry: AuditEntry): LogEntry {
  return {
    id: entry.id,
    ts: entry.occurredAt,
    tenant: entry.tenantId,
    service: entry.service,
    actor: entry.actor,
    action: entry.action,
    target: entry.target,
    outcome: entry.outcome,
    metadata: entry.details,
    request_id: entry.requestId,
  };
}
