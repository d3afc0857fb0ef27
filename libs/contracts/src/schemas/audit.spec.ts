import { randomUUID } from 'node:crypto';
import { AuditEntry } from './audit.js';

const entry = {
  id: randomUUID(),
  occurredAt: new Date().toISOString(),
  service: 'auth',
  action: 'user.created',
  outcome: 'success',
  tenantId: randomUUID(),
  actor: { type: 'user', id: randomUUID() },
  target: { type: 'user', id: randomUUID() },
  details: { count: 1, kind: 'chat-history' },
  requestId: randomUUID(),
};

test('an entry of ids, names and counts is accepted', () => {
  expect(AuditEntry.safeParse(entry).success).toBe(true);
});

test.each([
  ['an email as actor id', { actor: { type: 'user', id: 'jean.dupont@exemple.fr' } }],
  ['a phone number as target id', { target: { type: 'user', id: '0612345678' } }],
  ['an IBAN in details', { details: { account: 'FR7630006000011234567890189' } }],
  ['a name in details', { details: { note: 'Jean Dupont' } }],
  ['free text as request id', { requestId: 'jean' }],
])('%s is refused', (_case, change) => {
  expect(AuditEntry.safeParse({ ...entry, ...change }).success).toBe(false);
});
