import type { Principal } from '@gardien/contracts';
import { auditActorOf } from '@gardien/persistence';
import { actingFrom } from './callers.js';

const auth: Principal = { kind: 'service', id: 'auth', tenantId: null, roles: [], mfa: false };

test('audit actors are users or services, by id', () => {
  expect(auditActorOf(auth)).toEqual({ type: 'service', id: 'auth' });
  expect(auditActorOf({ ...auth, kind: 'user', id: 'a1b2' })).toEqual({ type: 'user', id: 'a1b2' });
});

test('a request id reaches the audit entries only when it is a uuid', () => {
  const uuid = '0c8f6a52-3b1e-4d7a-9f20-5e6d7c8b9a01';
  expect(actingFrom(auth, { requestId: uuid }).requestId).toBe(uuid);
  expect(actingFrom(auth, { requestId: '01JDQ4B3Y7ZK5M8N9P0QRSTVWX' }).requestId).toBeNull();
});
