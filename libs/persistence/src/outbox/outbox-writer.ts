// Writes a message to the outbox inside the caller's transaction, so that the change and the
// message it announces commit or roll back together. The relay publishes it later.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';

export interface OutboxMessage {
  /** JetStream subject, e.g. gardien.audit.tenant.created. */
  subject: string;
  /** Metadata only (ids, codes, counts): outbox rows are not encrypted. */
  payload: Record<string, unknown>;
  /** De-duplication id; a fresh uuid when absent. */
  id?: string;
  headers?: Record<string, string>;
}

export async function appendToOutbox(manager: EntityManager, message: OutboxMessage): Promise<string> {
  const [id] = await appendAllToOutbox(manager, [message]);
  return id!;
}

/** Writes every message in one statement, in the order given; their ids. */
export async function appendAllToOutbox(manager: EntityManager, messages: readonly OutboxMessage[]): Promise<string[]> {
  if (!manager.queryRunner?.isTransactionActive) {
    throw new Error('appendToOutbox must run inside the transaction of the change it announces');
  }
  const ids = messages.map((message) => message.id ?? randomUUID());
  if (messages.length === 0) return ids;
  await manager.query('INSERT INTO gardien_outbox (id, subject, payload, headers) SELECT * FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $4::jsonb[])', [
    ids,
    messages.map((message) => message.subject),
    messages.map((message) => JSON.stringify(message.payload)),
    messages.map((message) => JSON.stringify(message.headers ?? {})),
  ]);
  return ids;
}
