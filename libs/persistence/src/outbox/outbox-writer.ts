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
  if (!manager.queryRunner?.isTransactionActive) {
    throw new Error('appendToOutbox must run inside the transaction of the change it announces');
  }
  const id = message.id ?? randomUUID();
  await manager.query('INSERT INTO gardien_outbox (id, subject, payload, headers) VALUES ($1, $2, $3, $4)', [
    id,
    message.subject,
    JSON.stringify(message.payload),
    JSON.stringify(message.headers ?? {}),
  ]);
  return id;
}
