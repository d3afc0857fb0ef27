// The vector store's operations on the public surfaces: documents (accepted at once, embedded and
// stored in the background: 202), their state, their deletion, searches over a collection, and the
// collections a tenant may use. A user session only: libs/authz gives API keys no document rights.
import { VECTOR_STORE_OPERATIONS } from '@gardien/contracts';
import { defineOperation, type Operation } from './operation.js';

const authenticated = 'authenticated' as const;

export const VECTOR_STORE_EDGE_OPERATIONS: readonly Operation[] = [
  defineOperation({
    bus: VECTOR_STORE_OPERATIONS.ingestDocument,
    summary: 'Store a document for retrieval: chunked, embedded through the gateway (pseudonymised), its chunks sealed; answers 202 at once, GET /documents/{id} follows the progress',
    method: 'POST',
    path: '/documents',
    graphql: { type: 'mutation', field: 'ingestDocument' },
    auth: authenticated,
    isolation: 'tenant',
    queued: true,
  }),
  defineOperation({
    bus: VECTOR_STORE_OPERATIONS.getDocument,
    summary: 'A document: processing, ready or failed (with its reason), and chunks_done of chunks_total',
    method: 'GET',
    path: '/documents/{id}',
    graphql: { type: 'query', field: 'document' },
    auth: authenticated,
    isolation: 'tenant-resource',
  }),
  defineOperation({
    bus: VECTOR_STORE_OPERATIONS.deleteDocument,
    summary: 'Delete a document: its vectors, then its chunks; nothing of it is searchable afterwards',
    method: 'DELETE',
    path: '/documents/{id}',
    graphql: { type: 'mutation', field: 'deleteDocument' },
    auth: authenticated,
    isolation: 'tenant-resource',
  }),
  defineOperation({
    bus: VECTOR_STORE_OPERATIONS.search,
    summary: 'Search a collection by text (embedded through the gateway, pseudonymised) or by vector: the nearest chunks the caller may read, opened, with their scores',
    method: 'POST',
    path: '/search',
    // A POST and a mutation, as the model calls are: a search by text embeds it through the gateway.
    graphql: { type: 'mutation', field: 'searchDocuments' },
    auth: authenticated,
    isolation: 'tenant',
  }),
  defineOperation({
    bus: VECTOR_STORE_OPERATIONS.listCollections,
    summary: 'The collections documents may be stored in: their embedding model, dimension and metadata fields',
    method: 'GET',
    path: '/collections',
    graphql: { type: 'query', field: 'collections' },
    auth: authenticated,
    isolation: 'tenant',
  }),
];
