import { randomUUID } from 'node:crypto';
import { PLATFORM_TENANT_ID, type Caller, type Principal } from '@gardien/contracts';
import { authorizedLog } from './audit-access.js';

const tenantA = randomUUID();
const tenantB = randomUUID();
const caller = (principal: Partial<Principal>): Caller => {
  const full: Principal = { kind: 'user', id: randomUUID(), tenantId: tenantA, roles: ['auditor'], mfa: true, ...principal };
  return { requestId: randomUUID(), principal: full, tenantId: full.tenantId };
};

test("a tenant's auditor and DPO read their tenant's log, named or not", () => {
  for (const role of ['auditor', 'dpo'] as const) {
    expect(authorizedLog(caller({ roles: [role] }), undefined, 'read')).toBe(tenantA);
    expect(authorizedLog(caller({ roles: [role] }), tenantA, 'export')).toBe(tenantA);
  }
});

test("a tenant's auditor may not name another tenant, nor the platform", () => {
  expect(() => authorizedLog(caller({}), tenantB, 'read')).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
  expect(() => authorizedLog(caller({}), PLATFORM_TENANT_ID, 'read')).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
});

test("a platform auditor reads the platform's log by default, and any tenant's by name", () => {
  const platform = caller({ tenantId: null });
  expect(authorizedLog(platform, undefined, 'read')).toBe(PLATFORM_TENANT_ID);
  expect(authorizedLog(platform, tenantB, 'export')).toBe(tenantB);
});

test('nobody else reads a log: the super-admin, a tenant admin, a user, an auditor without MFA', () => {
  for (const principal of [{ roles: ['superadmin' as const], tenantId: null }, { roles: ['tenant_admin' as const] }, { roles: ['user' as const] }, { mfa: false }]) {
    expect(() => authorizedLog(caller(principal), undefined, 'read')).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
  }
});
