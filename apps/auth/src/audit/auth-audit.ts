// The auth service's audit entries, written in the transaction of the change they record. Ids and
// system names only: never an email, a password, a code or a token. Entries about the platform
// tenant (the super-admin) carry no tenant id.
import type { EntityManager } from 'typeorm';
import { PLATFORM_TENANT_ID, type AuditEntry } from '@gardien/contracts';
import { recordAudit } from '@gardien/persistence';

export type AuditActor = AuditEntry['actor'];

export interface AuthAuditDraft {
  action: string;
  outcome?: AuditEntry['outcome'];
  tenantId: string | null;
  actor: AuditActor;
  target?: AuditEntry['target'];
  details?: AuditEntry['details'];
  requestId?: string | null;
}

export const SYSTEM_ACTOR: AuditActor = { type: 'system', id: 'auth' };

export async function auditAuth(manager: EntityManager, draft: AuthAuditDraft): Promise<void> {
  await recordAudit(manager, {
    service: 'auth',
    action: draft.action,
    outcome: draft.outcome ?? 'success',
    tenantId: draft.tenantId === PLATFORM_TENANT_ID ? null : draft.tenantId,
    actor: draft.actor,
    target: draft.target ?? null,
    details: draft.details ?? {},
    requestId: draft.requestId && /^[0-9a-f-]{36}$/i.test(draft.requestId) ? draft.requestId : null,
  });
}
