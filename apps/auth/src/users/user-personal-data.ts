// What auth_users holds that is personal: the email (sealed, found through a blind index) and the
// TOTP secret (sealed). Both are sealed under the user's own data key, so erasing the user shreds them.
import { declarePersonalData } from '@gardien/persistence';

export const USER_PERSONAL_DATA = declarePersonalData({
  table: 'auth_users',
  sealed: ['email', 'totp_secret'] as const,
  blindIndexes: { email_index: { source: 'email', normalise: 'email' } },
});
