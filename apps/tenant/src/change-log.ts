// Every change of the tenant service leaves, in its own transaction, an audit entry (the platform's
// one recorder, from the caller who made the change) and a domain event of the same name (stream
// EVENTS), both through the outbox: the change, its entry and its event commit or roll back
// together. Events carry ids only.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { eventSubject, type AuditAction, type Caller } from '@gardien/contracts';
import { AuditRecorder, appendToOutbox, type AuditDetails } from '@gardien/persistence';

export type TenantServiceChange = Extract<AuditAction, 'tenant.created' | 'tenant.suspended' | 'tenant.resumed' | 'tenant.deleted' | 'settings.updated' | 'purpose.created'>;

export interface ChangeRecord {
  action: TenantServiceChange;
  tenantId: string;
  /** The id of what changed, of the type the audit catalogue gives the action (tenant, settings, purpose). */
  targetId: string;
  /** Audit details: ids, counts, flags; never free text. */
  details?: AuditDetails;
  /** The event's payload beyond the tenant id: ids only. */
  eventIds?: Record<string, string>;
}

const audit = new AuditRecorder('tenant');

export async function recordChange(manager: EntityManager, caller: Caller, change: ChangeRecord): Promise<void> {
  const { action, tenantId, targetId, details } = change;
  await audit.record(manager, caller, { action, tenantId, targetId, ...(details ? { details } : {}) });
  await appendToOutbox(manager, {
    id: randomUUID(),
    subject: eventSubject('tenant', action),
    payload: { tenantId, ...change.eventIds },
  });
}
