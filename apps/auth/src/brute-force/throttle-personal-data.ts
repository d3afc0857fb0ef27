// auth_login_throttle in auth's data inventory: failed-login counters per account and per source,
// keyed by keyed hashes (the platform's blind-index key) of what a login names and of the network it
// comes from, never the email, the address or an id in clear. Personal data all the same (a keyed
// hash of an email is pseudonymous), which no column ties to a subject: kept one day after the
// counter last changed (a lock lasts 15 minutes), then purged by the platform's retention job.
import { personalDataStore } from '@gardien/persistence';

export const AUTH_LOGIN_THROTTLE = personalDataStore({
  table: 'auth_login_throttle',
  description: 'Failed-login counters, back-off and locks, per account and per source, under keyed hashes',
  subject: {
    type: 'none',
    reason: "rows are keyed by keyed hashes of an account or a client's network: finding a subject's rows would take their email and the platform's key",
  },
  tenantColumn: null,
  sealed: [],
  dataCategories: ['identification', 'connection'],
  subjectCategories: ['account-holders'],
  purposes: ['access-security'],
  retention: {
    kind: 'login-throttle',
    maxDays: 1,
    from: 'updated_at',
    justification: 'a counter protects an account for 15 minutes after its last failure; a day later it protects nobody',
    tenantMayShorten: false,
  },
  recipients: [],
});
