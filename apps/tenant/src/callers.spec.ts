import type { Principal } from '@gardien/contracts';
import { auditActorOf } from '@gardien/persistence';
import { actingFrom, isAuthService } from './callers.js';

const auth: Principal = { kind: 'service', id: 'auth', tenantId: null, roles: ['service'], mfa: false };

test('only the auth service’s own token counts as the auth service', () => {
  expect(isAuthService(auth)).toBe(true);
  // A tenant's service account that happens to be called "auth" belongs to a tenant.
  expect(isAuthService({ ...auth, tenantId: '7f1d1e6e-5a7b-4a8e-9a51-0d1f6f2b9c11' })).toBe(false);
  expect(isAuthService({ ...auth, kind: 'user' })).toBe(false);
  expect(isAuthService({ ...auth, kind: 'api_key' })).toBe(false);
  expect(isAuthService({ ...auth, id: 'tenant' })).toBe(false);
});

test('audit actors are users or services, by id', () => {
  expect(auditActorOf(auth)).toEqual({ type: 'service', id: 'auth' });
  expect(auditActorOf({ ...auth, kind: 'user', id: 'a1b2' })).toEqual({ type: 'user', id: 'a1b2' });
});

test('a request id reaches the audit entries only when it is a uuid', () => {
  const uuid = '0c8f6a52-3b1e-4d7a-9f20-5e6d7c8b9a01';
  expect(actingFrom(auth, { requestId: uuid }).requestId).toBe(uuid);
  expect(actingFrom(auth, { requestId: '01JDQ4B3Y7ZK5M8N9P0QRSTVWX' }).requestId).toBeNull();
});
