// The vector store's bus operations: documents (ingested in the background, followed, deleted),
// searches (by text, embedded through the gateway, or by a vector the gateway computed), and the
// collections a caller may use. Every one acts in the verified caller's tenant only.
import { Empty } from '../schemas/auth-operations.js';
import { CollectionList, DocumentAccepted, DocumentRef, DocumentState, IngestDocumentRequest, SearchReply, SearchRequest } from '../schemas/vector-store-operations.js';
import { busOperation } from './bus-operation.js';

const store = 'vector-store' as const;
/** A search by text waits for the gateway's embedding of the query. */
const SEARCH_TIMEOUT_MS = 60_000;

export const VECTOR_STORE_OPERATIONS = {
  /** Answers once the document is accepted (chunked, its row written); embedding and storing follow. */
  ingestDocument: busOperation({ service: store, action: 'documents.ingest', request: IngestDocumentRequest, reply: DocumentAccepted, authenticated: true, timeoutMs: 15_000 }),
  getDocument: busOperation({ service: store, action: 'documents.get', request: DocumentRef, reply: DocumentState, authenticated: true }),
  /** Its points, then its chunks and row: nothing of it is searchable once this answers. */
  deleteDocument: busOperation({ service: store, action: 'documents.delete', request: DocumentRef, reply: Empty, authenticated: true, timeoutMs: 15_000 }),
  search: busOperation({ service: store, action: 'search', request: SearchRequest, reply: SearchReply, authenticated: true, timeoutMs: SEARCH_TIMEOUT_MS }),
  listCollections: busOperation({ service: store, action: 'collections.list', request: Empty, reply: CollectionList, authenticated: true }),
} as const;
