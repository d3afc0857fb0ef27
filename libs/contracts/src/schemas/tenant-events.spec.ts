import { PLATFORM_TENANT_ID } from './identity.js';
import { TENANT_EVENTS, TenantDeletedEvent } from './tenant-events.js';

const tenantId = '0b0c6a1e-59a4-4f7e-9c0e-3c1f1e2d7a10';

test('a tenant deletion is published under the tenant service’s events', () => {
  expect(TENANT_EVENTS.deleted).toBe('gardien.events.tenant.tenant.deleted');
});

test('a tenant deletion names one tenant by id; ids added later by the producer are dropped', () => {
  expect(TenantDeletedEvent.parse({ tenantId, purposeId: 'x' })).toEqual({ tenantId });
});

test.each([
  ['no tenant', {}],
  ['a tenant that is not a uuid', { tenantId: 'acme' }],
  ['the platform tenant', { tenantId: PLATFORM_TENANT_ID }],
  ['not an object', [tenantId]],
])('%s is refused', (_case, payload) => {
  expect(TenantDeletedEvent.safeParse(payload).success).toBe(false);
});
