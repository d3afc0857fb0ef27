// auth_api_keys in auth's data inventory. A key is stored as the SHA-256 of its secret, with its
// owner, its purpose and models; it is kept 90 days after its expiry (a revoked key too: it
// expires within a year of its creation), then purged; tenants may shorten that.
import { personalDataStore } from '@gardien/persistence';

export const AUTH_API_KEYS = personalDataStore({
  table: 'auth_api_keys',
  description: "API keys of service accounts: owner, name, purpose, models, hash of the secret, expiry, revocation, last use",
  subject: { type: 'column', column: 'owner_id' },
  tenantColumn: 'tenant_id',
  sealed: [],
  withheld: { key_hash: 'a verifier of a credential that may still be live' },
  dataCategories: ['authentication', 'connection'],
  subjectCategories: ['account-holders'],
  purposes: ['api-access'],
  retention: {
    kind: 'api-keys',
    maxDays: 90,
    from: 'expires_at',
    justification: 'security of processing (art. 32): investigating the use of a key found to have been misused after it expired',
    tenantMayShorten: true,
  },
  recipients: ["the tenant's administrators and the key's owner (the list of keys)"],
  erasure: { action: 'delete' },
});
