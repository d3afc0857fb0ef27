// Records an audit entry through the outbox, in the transaction of the change it describes:
// no audited change without its entry, and the entry leaves only if the change commits.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AuditEntry, auditSubject, parsePayload } from '@gardien/contracts';
import { appendToOutbox } from '../outbox/outbox-writer.js';

export type AuditDraft = Omit<AuditEntry, 'id' | 'occurredAt'>;

export async function recordAudit(manager: EntityManager, draft: AuditDraft): Promise<AuditEntry> {
  const entry = parsePayload(AuditEntry, { id: randomUUID(), occurredAt: new Date().toISOString(), ...draft }, 'audit');
  await appendToOutbox(manager, { id: entry.id, subject: auditSubject(entry.service, entry.action), payload: entry });
  return entry;
}
