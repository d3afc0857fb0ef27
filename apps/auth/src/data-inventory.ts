// The auth service's data inventory: its processing activities and every table of its database.
// The stores are declared beside the code that uses them; the platform adds its own tables.
import { declareDataInventory } from '@gardien/persistence';
import { AUTH_API_KEYS } from './api-keys/api-key-personal-data.js';
import { AUTH_LOGIN_THROTTLE } from './brute-force/throttle-personal-data.js';
import { AUTH_REFRESH_TOKENS, AUTH_SESSIONS } from './sessions/session-personal-data.js';
import { AUTH_USERS } from './users/user-personal-data.js';

export const AUTH_INVENTORY = declareDataInventory({
  service: 'auth',
  processing: {
    'account-management': {
      description: "Giving the members of a tenant (and the platform's operators) their accounts: email, roles, password, second factor",
      legalBasis: 'legitimate_interests',
      legalBasisDetail: "the tenant's interest, as the organisation its members work for, in giving them secured access to its tools, for as long as it keeps their account",
    },
    'session-management': {
      description: 'Keeping a logged-in member logged in (sessions, rotating refresh tokens), and ending sessions on logout, timeout or token reuse',
      legalBasis: 'legitimate_interests',
      legalBasisDetail: "the same interest as the account's: a session is the account in use",
    },
    'api-access': {
      description: "Letting a tenant's applications call models in its name, through API keys bound to a declared purpose",
      legalBasis: 'legitimate_interests',
      legalBasisDetail: "the tenant's interest in automating its own processing, each key bound to one of its declared purposes",
    },
    'access-security': {
      description: 'Protecting accounts against password guessing: back-off and temporary locks per account and per source',
      legalBasis: 'legal_obligation',
      legalBasisDetail: 'GDPR art. 32: security of processing',
    },
  },
  // Erasure deletes in this order (stores reached through another first): accounts last.
  personalData: [AUTH_SESSIONS, AUTH_REFRESH_TOKENS, AUTH_API_KEYS, AUTH_LOGIN_THROTTLE, AUTH_USERS],
  noPersonalData: [
    {
      table: 'auth_signing_keys',
      reason: "the platform's token signing keys (public halves, private halves sealed): key material of the platform, about no person",
    },
  ],
});
