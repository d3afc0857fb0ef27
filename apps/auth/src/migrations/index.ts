// The auth service's migrations, in order (the platform's own come first: libs/persistence declaredMigrations).
import { CreateSigningKeys1732580000000 } from './1732580000000-create-signing-keys.js';
import { CreateLoginThrottle1732580100000 } from './1732580100000-create-login-throttle.js';
import { CreateSessions1732580200000 } from './1732580200000-create-sessions.js';
import { CreateUsers1732580300000 } from './1732580300000-create-users.js';
import { AddSessionMfa1732580350000 } from './1732580350000-add-session-mfa.js';
import { CreateApiKeys1732580400000 } from './1732580400000-create-api-keys.js';
import { AllowSessionPurge1732580500000 } from './1732580500000-allow-session-purge.js';
import { PurgeApiKeysAndLoginCounters1732580600000 } from './1732580600000-purge-api-keys-and-login-counters.js';

export const AUTH_MIGRATIONS = [
  CreateSigningKeys1732580000000,
  CreateLoginThrottle1732580100000,
  CreateSessions1732580200000,
  CreateUsers1732580300000,
  AddSessionMfa1732580350000,
  CreateApiKeys1732580400000,
  AllowSessionPurge1732580500000,
  PurgeApiKeysAndLoginCounters1732580600000,
];
