// The tenant service's operations on the public surfaces: tenants (the super-admin), their
// settings, the purposes of processing each tenant declares.
import { TENANT_OPERATIONS } from '@gardien/contracts';
import { defineOperation, type Operation } from './operation.js';

const authenticated = 'authenticated' as const;

/** Settings are addressed by their tenant's id, which their payloads call tenant_id. */
const TENANT_SETTINGS_PATH = { path: '/tenants/{id}/settings', pathFields: { id: 'tenant_id' } };

export const TENANT_EDGE_OPERATIONS: readonly Operation[] = [
  defineOperation({
    bus: TENANT_OPERATIONS.createTenant,
    summary: 'Create a tenant',
    method: 'POST',
    path: '/tenants',
    graphql: { type: 'mutation', field: 'createTenant' },
    auth: authenticated,
    isolation: 'platform',
    creates: true,
  }),
  defineOperation({
    bus: TENANT_OPERATIONS.listTenants,
    summary: 'Every tenant of the platform',
    method: 'GET',
    path: '/tenants',
    graphql: { type: 'query', field: 'tenants' },
    auth: authenticated,
    isolation: 'platform',
  }),
  defineOperation({
    bus: TENANT_OPERATIONS.getTenant,
    summary: 'One tenant',
    method: 'GET',
    path: '/tenants/{id}',
    graphql: { type: 'query', field: 'tenant' },
    auth: authenticated,
    isolation: 'platform',
  }),
  defineOperation({
    bus: TENANT_OPERATIONS.suspendTenant,
    summary: 'Suspend a tenant: its users can no longer log in',
    method: 'POST',
    path: '/tenants/{id}/suspend',
    graphql: { type: 'mutation', field: 'suspendTenant' },
    auth: authenticated,
    isolation: 'platform',
  }),
  defineOperation({
    bus: TENANT_OPERATIONS.resumeTenant,
    summary: 'Resume a suspended tenant',
    method: 'POST',
    path: '/tenants/{id}/resume',
    graphql: { type: 'mutation', field: 'resumeTenant' },
    auth: authenticated,
    isolation: 'platform',
  }),
  defineOperation({
    bus: TENANT_OPERATIONS.deleteTenant,
    summary: 'Delete a tenant and destroy its keys',
    method: 'DELETE',
    path: '/tenants/{id}',
    graphql: { type: 'mutation', field: 'deleteTenant' },
    auth: authenticated,
    isolation: 'platform',
  }),
  defineOperation({
    bus: TENANT_OPERATIONS.getSettings,
    summary: 'The settings of a tenant: allowed models, quotas, retention overrides',
    method: 'GET',
    ...TENANT_SETTINGS_PATH,
    graphql: { type: 'query', field: 'tenantSettings' },
    auth: authenticated,
    isolation: 'tenant-resource',
  }),
  defineOperation({
    bus: TENANT_OPERATIONS.updateSettings,
    summary: 'Change the settings of a tenant (retention can only be shortened)',
    method: 'PATCH',
    ...TENANT_SETTINGS_PATH,
    graphql: { type: 'mutation', field: 'updateTenantSettings' },
    auth: authenticated,
    isolation: 'tenant-resource',
  }),
  defineOperation({
    bus: TENANT_OPERATIONS.createPurpose,
    summary: 'Declare a purpose of processing in the caller\'s tenant',
    method: 'POST',
    path: '/purposes',
    graphql: { type: 'mutation', field: 'createPurpose' },
    auth: authenticated,
    isolation: 'tenant',
    creates: true,
  }),
  defineOperation({
    bus: TENANT_OPERATIONS.listPurposes,
    summary: 'The purposes of processing of the caller\'s tenant',
    method: 'GET',
    path: '/purposes',
    graphql: { type: 'query', field: 'purposes' },
    auth: authenticated,
    isolation: 'tenant',
  }),
  defineOperation({
    bus: TENANT_OPERATIONS.getPurpose,
    summary: 'One purpose of processing of the caller\'s tenant',
    method: 'GET',
    path: '/purposes/{id}',
    graphql: { type: 'query', field: 'purpose' },
    auth: authenticated,
    isolation: 'tenant-resource',
  }),
];
