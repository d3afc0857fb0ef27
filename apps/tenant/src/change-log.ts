// Every change of the tenant service leaves, in its own transaction, an audit entry and a domain
// event of the same name (stream EVENTS), both through the outbox: the change, its entry and its
// event commit or roll back together. Events carry ids only.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Uuid, eventSubject, type Caller } from '@gardien/contracts';
import { appendToOutbox, auditActorOf, recordAudit } from '@gardien/persistence';

export type TenantServiceChange =
  | 'tenant.created'
  | 'tenant.suspended'
  | 'tenant.resumed'
  | 'tenant.deleted'
  | 'settings.updated'
  | 'purpose.created';

export interface ChangeRecord {
  action: TenantServiceChange;
  tenantId: string;
  target: { type: string; id: string };
  /** Audit details: ids, counts, flags; never free text. */
  details?: Record<string, string | number | boolean | null>;
  /** The event's payload beyond the tenant id: ids only. */
  eventIds?: Record<string, string>;
}

export async function recordChange(manager: EntityManager, caller: Caller, change: ChangeRecord): Promise<void> {
  await recordAudit(manager, {
    service: 'tenant',
    action: change.action,
    outcome: 'success',
    tenantId: change.tenantId,
    actor: auditActorOf(caller.principal),
    target: change.target,
    details: change.details ?? {},
    requestId: Uuid.safeParse(caller.requestId).success ? caller.requestId : null,
  });
  await appendToOutbox(manager, {
    id: randomUUID(),
    subject: eventSubject('tenant', change.action),
    payload: { tenantId: change.tenantId, ...change.eventIds },
  });
}
