import { randomUUID } from 'node:crypto';
import { AUDIT_ACTIONS } from './audit-actions.js';
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

describe('the catalogue of actions', () => {
  test('an action outside the catalogue is refused, however well formed', () => {
    const result = AuditEntry.safeParse({ ...entry, action: 'user.exported' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path)).toEqual([['action']]);
  });

  test('a target of another type than its action takes is refused, as is a missing or an extra one', () => {
    const tenantId = randomUUID();
    for (const change of [
      { action: 'user.created', target: { type: 'api-key', id: randomUUID() } },
      { action: 'retention.purged', target: { type: 'tenant', id: tenantId } },
      { action: 'user.created', target: null },
      { action: 'login.failed', target: { type: 'user', id: randomUUID() } },
    ]) {
      const result = AuditEntry.safeParse({ ...entry, ...change });
      expect([change, result.success]).toEqual([change, false]);
      expect(result.error?.issues.map((issue) => issue.path)).toEqual([['target']]);
    }
  });

  test('a target type outside the catalogue is refused', () => {
    expect(AuditEntry.safeParse({ ...entry, target: { type: 'chat-history', id: randomUUID() } }).success).toBe(false);
  });

  test('every action of the catalogue is accepted with the target it takes', () => {
    for (const [action, type] of Object.entries(AUDIT_ACTIONS)) {
      const target = type === null ? null : { type, id: randomUUID() };
      expect([action, AuditEntry.safeParse({ ...entry, action, target }).success]).toEqual([action, true]);
    }
  });
});
