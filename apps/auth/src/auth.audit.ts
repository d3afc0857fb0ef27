// The auth service's audit entries: every one goes through this recorder (libs/persistence), which
// builds them all the same way. Ids and system names only: never an email, a password, a code or a token.
import { AuditRecorder } from '@gardien/persistence';

export const authAudit = new AuditRecorder('auth');
