// auth_users in auth's data inventory. What is personal: the email (sealed, found through a blind
// index) and the TOTP secret (sealed), both under the user's own data key, so that erasing the user
// shreds them; the password verifier and the roles. The codec of the sealed columns reads this.
import { personalDataStore } from '@gardien/persistence';

export const AUTH_USERS = personalDataStore({
  table: 'auth_users',
  description: 'Accounts: email, roles, password verifier (argon2id), second factor (TOTP)',
  subject: { type: 'column', column: 'id' },
  tenantColumn: 'tenant_id',
  recordId: 'id',
  sealed: ['email', 'totp_secret'] as const,
  blindIndexes: { email_index: { source: 'email', normalise: 'email' } },
  withheld: {
    password_hash: 'a verifier of the password: it tells the subject nothing and would help whoever obtains the export guess the password',
    totp_secret: 'the second factor itself: whoever holds the export could log in as the subject',
  },
  dataCategories: ['identification', 'authentication', 'professional-life'],
  subjectCategories: ['account-holders'],
  purposes: ['account-management'],
  retention: {
    until: "the account is deleted by the tenant's administrator, the subject erased, or the tenant deleted",
    justification: 'an account is needed for as long as its holder uses the platform, and the tenant decides when that ends',
  },
  recipients: ["the tenant's administrators (the list of users)", 'the account holder (their own account)'],
  erasure: { action: 'delete' },
});
