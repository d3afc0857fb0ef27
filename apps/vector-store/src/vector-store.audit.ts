// The vector store's audit entries: ids, codes and counts only, never a document's text, a chunk or
// a query.
import { AuditRecorder } from '@gardien/persistence';

export const vectorStoreAudit = new AuditRecorder('vector-store');
