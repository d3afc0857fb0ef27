// The tenant service's migrations, in the order they apply.
import { CreateTenants1732581000000 } from './1732581000000-create-tenants.js';
import { CreateTenantSettings1732581100000 } from './1732581100000-create-tenant-settings.js';
import { CreateTenantPurposes1732581200000 } from './1732581200000-create-tenant-purposes.js';
import { AddModelCallSettings1733300000000 } from './1733300000000-add-model-call-settings.js';
import { AddPurposeRetention1733500000000 } from './1733500000000-add-purpose-retention.js';

export const TENANT_MIGRATIONS = [CreateTenants1732581000000, CreateTenantSettings1732581100000, CreateTenantPurposes1732581200000, AddModelCallSettings1733300000000, AddPurposeRetention1733500000000];
