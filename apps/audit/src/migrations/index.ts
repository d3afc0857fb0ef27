// The audit service's migrations, in the order they apply.
import { CreateAuditLog1733140000000 } from './1733140000000-create-audit-log.js';

export const AUDIT_MIGRATIONS = [CreateAuditLog1733140000000];
