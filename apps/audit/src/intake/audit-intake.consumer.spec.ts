// The intake's handling of a batch: an entry the database refuses (which no check foresaw) is
// dead-lettered alone, the others appended in order; a database that is down fails the batch whole.
import { randomUUID } from 'node:crypto';
import { auditSubject, type AuditEntry } from '@gardien/contracts';
import { ServiceMetrics } from '@gardien/observability';
import type { BatchMessage } from '@gardien/platform';
import { AuditMetrics } from '../audit.metrics.js';
import type { AuditLogAppender, HashedEntry } from '../log/audit-log.appender.js';
import type { TreeHeadScheduler } from '../heads/tree-head.scheduler.js';
import { AuditIntakeConsumer, takeMessage } from './audit-intake.consumer.js';

const tenant = randomUUID();
const entry = (): AuditEntry => ({
  id: randomUUID(),
  occurredAt: new Date().toISOString(),
  service: 'auth',
  action: 'login.failed',
  outcome: 'failure',
  tenantId: tenant,
  actor: { type: 'system', id: 'unknown-account' },
  target: null,
  details: {},
  requestId: null,
});
const message = (e: AuditEntry, sequence: number): BatchMessage => ({ subject: auditSubject('auth', 'login.failed'), data: Buffer.from(JSON.stringify(e)), headers: undefined, info: { streamSequence: sequence } as BatchMessage['info'] });

/** An appender whose database refuses one entry's data (SQLSTATE 22008), or is down (no SQLSTATE). */
function fakeAppender(poison: string | undefined, down = false) {
  const appended: string[] = [];
  const appender = {
    appendHashed: async (hashed: readonly HashedEntry[]) => {
      const entries = hashed.map((h) => h.entry);
      if (down) throw Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });
      if (entries.some((e) => e.id === poison)) throw Object.assign(new Error('date/time field value out of range'), { driverError: { code: '22008' } });
      appended.push(...entries.map((e) => e.id));
      return { appended: entries.length, duplicates: 0, grown: entries.length > 0 ? [tenant] : [] };
    },
  };
  return { appender: appender as unknown as AuditLogAppender, appended };
}

function consumerWith(appender: AuditLogAppender) {
  const published: string[] = [];
  const connection = { publish: (_subject: string, data: string) => published.push(data) };
  const heads = { grown: () => undefined } as unknown as TreeHeadScheduler;
  const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const consumer = new AuditIntakeConsumer(appender, heads, new AuditMetrics(new ServiceMetrics('audit')), connection as never, logger as never);
  return { consumer, published };
}

test('an entry the database refuses is dead-lettered alone; the others are appended, in order', async () => {
  const entries = [entry(), entry(), entry(), entry()];
  const { appender, appended } = fakeAppender(entries[2]!.id);
  const { consumer, published } = consumerWith(appender);
  const messages = entries.map((e, i) => message(e, i + 1));
  expect(await consumer.store(messages, messages.map(takeMessage))).toEqual(['ack', 'ack', 'term', 'ack']);
  expect(appended).toEqual([entries[0]!.id, entries[1]!.id, entries[3]!.id]);
  expect(published.map((p) => JSON.parse(p))).toEqual([{ stream: 'AUDIT', sequence: 3, id: entries[2]!.id, reason: 'not_storable' }]);
});

test('a database that is down fails the batch whole, to be tried again: nothing is dead-lettered', async () => {
  const { appender } = fakeAppender(undefined, true);
  const { consumer, published } = consumerWith(appender);
  const messages = [message(entry(), 1), message(entry(), 2)];
  await expect(consumer.store(messages, messages.map(takeMessage))).rejects.toThrow('connection refused');
  expect(published).toEqual([]);
});
