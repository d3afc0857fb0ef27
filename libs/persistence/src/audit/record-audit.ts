// Records an audit entry through the outbox, in the transaction of the change it describes:
// no audited change without its entry, and the entry leaves only if the change commits.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AuditEntry, auditSubject, parsePayload, type Principal } from '@gardien/contracts';
import { appendToOutbox } from '../outbox/outbox-writer.js';

export type AuditDraft = Omit<AuditEntry, 'id' | 'occurredAt'>;

/** Who acted, as an audit entry records a verified caller: a user or a service, by id. */
export function auditActorOf(principal: Principal): AuditEntry['actor'] {
  return { type: principal.kind === 'user' ? 'user' : 'service', id: principal.id };
}

export async function recordAudit(manager: EntityManager, draft: AuditDraft): Promise<AuditEntry> {
  const entry = parsePayload(AuditEntry, { id: randomUUID(), occurredAt: new Date().toISOString(), ...draft }, 'audit');
  await appendToOutbox(manager, { id: entry.id, subject: auditSubject(entry.service, entry.action), payload: entry });
  return entry;
}
