// auth_sessions and auth_refresh_tokens in auth's data inventory. Ended sessions are kept 30 days
// after they could no longer be used (their absolute end), long enough to investigate an incident
// on a session, and no longer; tenants may shorten it. Refresh tokens (stored as SHA-256 hashes)
// belong to their session, go with it (ON DELETE CASCADE, and first at erasure) and are reached
// from a subject through it.
import { personalDataStore } from '@gardien/persistence';

export const AUTH_SESSIONS = personalDataStore({
  table: 'auth_sessions',
  description: 'Sessions (one per login): when they began, were last used, end or were ended, and whether MFA was satisfied',
  subject: { type: 'column', column: 'user_id' },
  tenantColumn: 'tenant_id',
  sealed: [],
  dataCategories: ['connection'],
  subjectCategories: ['account-holders'],
  purposes: ['session-management'],
  retention: {
    kind: 'sessions',
    maxDays: 30,
    from: 'expires_at',
    justification: 'security of processing (art. 32): investigating the use of a session after an incident',
    tenantMayShorten: true,
  },
  recipients: [],
  erasure: { action: 'delete' },
});

export const AUTH_REFRESH_TOKENS = personalDataStore({
  table: 'auth_refresh_tokens',
  description: 'Refresh tokens of each session, as SHA-256 hashes, with when they were issued and used (reuse detection)',
  subject: { type: 'through', column: 'session_id', table: 'auth_sessions', references: 'id' },
  tenantColumn: 'tenant_id',
  sealed: [],
  withheld: { token_hash: 'a verifier of a credential that may still be live' },
  dataCategories: ['connection', 'authentication'],
  subjectCategories: ['account-holders'],
  purposes: ['session-management'],
  retention: { until: 'its session is purged or erased', justification: 'a refresh token means something only within its session' },
  recipients: [],
  erasure: { action: 'delete' },
});
