// The vector-store service's data inventory: its processing activity and every table of its
// database. The stores are declared beside the code that uses them; the platform adds its own tables.
import { declareDataInventory } from '@gardien/persistence';
import { VECTOR_CHUNKS, VECTOR_DOCUMENTS, VECTOR_POINTS } from './documents/document-personal-data.js';

export const VECTOR_STORE_INVENTORY = declareDataInventory({
  service: 'vector-store',
  processing: {
    'document-retrieval': {
      description: "Keeping a tenant's documents, cut into chunks and embedded, so that its members and its model calls can search them",
      legalBasis: 'contract',
      legalBasisDetail: "processing on the tenant's instructions (GDPR art. 28) under its contract with the operator, each document for the purpose the tenant declares with it, whose own legal basis the gateway checks when it is embedded",
    },
  },
  // Erasure deletes in this order: vectors and chunks before their documents.
  personalData: [VECTOR_POINTS, VECTOR_CHUNKS, VECTOR_DOCUMENTS],
  noPersonalData: [
    {
      table: 'vector_index_versions',
      reason: "a counter of changes per tenant and vector space, telling replicas when their in-memory index is stale: about no person",
    },
  ],
});
