// The tenant service's data inventory: its tables describe tenants (organisations), their
// settings and the purposes they declare; none holds personal data, each for its reason. The
// platform adds its own tables.
import { declareDataInventory } from '@gardien/persistence';

export const TENANT_INVENTORY = declareDataInventory({
  service: 'tenant',
  processing: {},
  personalData: [],
  noPersonalData: [
    {
      table: 'tenant_tenants',
      reason:
        "the customer organisations (slug, name, status): data about legal persons, not natural ones (recital 14). A name that names a sole practitioner is the one exception, and goes when the tenant is deleted",
    },
    { table: 'tenant_settings', reason: "a tenant's allowed models, quotas and retention overrides: choices of the organisation, about no person" },
    {
      table: 'tenant_purposes',
      reason: "the purposes of processing a tenant declares (id, name, legal basis, description, retention): the organisation's record of processing, about no person",
    },
  ],
});
