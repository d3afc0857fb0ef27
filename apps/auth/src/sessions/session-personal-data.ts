// How long ended sessions are kept: 30 days after they could no longer be used (their absolute
// end), long enough to investigate an incident on a session, and no longer. Their refresh tokens
// go with them (foreign key ON DELETE CASCADE). Tenants may shorten it.
import { RETENTION_MAXIMA_DAYS } from '@gardien/contracts';
import { declareRetention } from '@gardien/persistence';

export const SESSION_RETENTION = declareRetention({
  kind: 'sessions',
  table: 'auth_sessions',
  timestampColumn: 'expires_at',
  maxDays: RETENTION_MAXIMA_DAYS['auth.sessions']!,
  justification: 'security of processing (art. 32): investigating the use of a session after an incident',
});
