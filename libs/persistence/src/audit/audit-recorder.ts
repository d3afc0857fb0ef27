// The one way a service writes an audit entry, built the same way everywhere: the actor from who
// acted (the verified caller of the message, else the account an open operation acted on, else a
// named part of the system), the tenant (the platform's is no tenant: null), the request id (only
// when it is a UUID), the target of the type the action takes in the catalogue, and details of ids,
// counts and flags only. Written through the outbox, in the transaction of the change it records:
// no audited change without its entry, and the entry leaves only if the change commits.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import {
  AUDIT_ACTIONS,
  AuditEntry,
  PLATFORM_TENANT_ID,
  Uuid,
  auditSubject,
  parsePayload,
  type AuditAction,
  type AuditTargetOf,
  type CallScope,
  type Caller,
  type Principal,
} from '@gardien/contracts';
import { appendToOutbox, type OutboxMessage } from '../outbox/outbox-writer.js';

/** Who an entry says acted. */
export type AuditAuthor =
  /** A verified caller: its principal acted. */
  | Caller
  /** An account named by id that is not, or not yet, a verified caller: the user a login logs in. */
  | { readonly user: string; readonly scope?: CallScope }
  /** A part of the system, by name (`bootstrap`, `retention-purge`, `unknown-account`). */
  | { readonly system: string; readonly scope?: CallScope };

/** Ids, counts and flags; the schema refuses anything else (free text, emails, names). */
export type AuditDetails = Readonly<Record<string, string | number | boolean | null>>;

interface AuditFacts<A extends AuditAction> {
  action: A;
  /** The tenant the change belongs to; the platform tenant is recorded as none. */
  tenantId: string | null;
  outcome?: AuditEntry['outcome'];
  details?: AuditDetails;
}

/** What happened: an action of the catalogue, with the id of a target exactly when the action takes one. */
export type AuditEvent = {
  [A in AuditAction]: AuditFacts<A> & (AuditTargetOf<A> extends null ? { targetId?: never } : { targetId: string });
}[AuditAction];

/** Who acted, as an entry records a verified principal: a user, or an API key or service, by id. */
function auditActorOf(principal: Principal): AuditEntry['actor'] {
  return { type: principal.kind === 'user' ? 'user' : 'service', id: principal.id };
}

function isCaller(author: AuditAuthor): author is Caller {
  return 'principal' in author;
}

function actorOf(author: AuditAuthor): AuditEntry['actor'] {
  if (isCaller(author)) return auditActorOf(author.principal);
  return 'user' in author ? { type: 'user', id: author.user } : { type: 'system', id: author.system };
}

function requestIdOf(author: AuditAuthor): string | null {
  const requestId = isCaller(author) ? author.requestId : author.scope?.requestId;
  // Request ids may also be ULIDs; audit entries keep UUIDs only.
  return requestId !== undefined && Uuid.safeParse(requestId).success ? requestId : null;
}

/** The entry `event` makes when `author` causes it in `service`, validated (VALIDATION_FAILED under `audit.` if not). */
export function auditEntryOf(service: string, author: AuditAuthor, event: AuditEvent, at = new Date()): AuditEntry {
  const targetType: string | null = AUDIT_ACTIONS[event.action];
  // The types refuse it; a caller that went around them is refused too.
  if (targetType === null && event.targetId !== undefined) throw new Error(`the audit action ${event.action} names no target`);
  return parsePayload(
    AuditEntry,
    {
      id: randomUUID(),
      occurredAt: at.toISOString(),
      service,
      action: event.action,
      outcome: event.outcome ?? 'success',
      tenantId: event.tenantId === PLATFORM_TENANT_ID ? null : event.tenantId,
      actor: actorOf(author),
      target: targetType === null ? null : { type: targetType, id: event.targetId },
      details: event.details ?? {},
      requestId: requestIdOf(author),
    },
    'audit',
  );
}

/** The outbox message that carries an entry to the audit stream. */
export function auditOutboxMessage(entry: AuditEntry): OutboxMessage {
  return { id: entry.id, subject: auditSubject(entry.service, entry.action), payload: entry };
}

/** A service's audit recorder. */
export class AuditRecorder {
  constructor(readonly service: string) {}

  /** Appends the entry to the outbox of `manager`'s transaction (which must be open). */
  async record(manager: EntityManager, author: AuditAuthor, event: AuditEvent): Promise<AuditEntry> {
    const entry = this.entry(author, event);
    await appendToOutbox(manager, auditOutboxMessage(entry));
    return entry;
  }

  /** The entry, validated, for a writer that appends many in one statement (auditOutboxMessage, appendAllToOutbox). */
  entry(author: AuditAuthor, event: AuditEvent): AuditEntry {
    return auditEntryOf(this.service, author, event);
  }
}
