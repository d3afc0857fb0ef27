// authorize: silent when allowed, a Forbidden GardienError that names nothing when refused.
import { ErrorCode, GardienError } from '@gardien/contracts';
import { authorize, authorizeAny, defineAbilityFor, isAllowed, type Principal } from './index.js';

const caller: Principal = { kind: 'user', id: 'user-7', tenantId: 'tenant-a', roles: ['user'], mfa: false };
const ability = defineAbilityFor(caller);

test('passes when the action is allowed on the resource', () => {
  expect(() => authorize(ability, 'read', 'Document', { tenantId: 'tenant-a', ownerId: 'user-7', classification: 'health' })).not.toThrow();
});

test("refuses another tenant's resource with a Forbidden error that carries no value", () => {
  const attempt = () => authorize(ability, 'read', 'Document', { tenantId: 'tenant-b', ownerId: 'user-7', classification: 'health' });
  expect(attempt).toThrow(GardienError);
  try {
    attempt();
  } catch (error) {
    const envelope = (error as GardienError).toEnvelope();
    expect(envelope.code).toBe(ErrorCode.Forbidden);
    expect(envelope.details).toBeUndefined();
    for (const value of ['tenant-a', 'tenant-b', 'user-7', 'health', 'Document']) expect(envelope.message).not.toContain(value);
  }
});

test('refuses an action no rule grants', () => {
  expect(() => authorize(ability, 'delete', 'User', { tenantId: 'tenant-a', id: 'user-7' })).toThrow(
    expect.objectContaining({ code: ErrorCode.Forbidden }),
  );
});

test("leaves the caller's attributes untouched", () => {
  const attributes = { tenantId: 'tenant-a', id: 'user-7' };
  expect(isAllowed(ability, 'read', 'User', attributes)).toBe(true);
  expect(Object.keys(attributes)).toEqual(['tenantId', 'id']);
});

test('authorizeAny: passes when some grant could allow the action on the type, refuses when none could', () => {
  expect(() => authorizeAny(ability, 'invoke', 'ModelCall')).not.toThrow();
  const auditor = defineAbilityFor({ kind: 'user', id: 'user-8', tenantId: 'tenant-a', roles: ['auditor'], mfa: true });
  expect(() => authorizeAny(auditor, 'invoke', 'ModelCall')).toThrow(expect.objectContaining({ code: ErrorCode.Forbidden }));
  // A conditional grant opens the gate only: the resource's own check still refuses another tenant's.
  expect(() => authorize(ability, 'invoke', 'ModelCall', { tenantId: 'tenant-b', purpose: 'support', model: 'm' })).toThrow(GardienError);
});
