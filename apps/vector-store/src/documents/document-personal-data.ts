// The vector store's tables of personal data, as its data inventory declares them. A document is
// about a data subject when its ingestion names one (`subject_id`); its chunks are sealed under
// that subject's data key, or under the tenant's document key when it names none. Erasing a
// subject deletes its documents, chunks and vectors (here, and its points in Qdrant: see
// VectorSubjectData), then destroys its data key. A document expires with the retention of its
// purpose, at most DOCUMENT_RETENTION_DAYS: removed with its chunks and vectors (DocumentExpiry).
import { personalDataStore } from '@gardien/persistence';

const PURPOSES = ['document-retrieval'] as const;
const RECIPIENTS = ["the tenant's members whose grants allow the document's classification", "the tenant's applications, through the model gateway (pseudonymised)"];
/** What every store of the vector store has in common: rows of a tenant, about the subject its document names. */
const OF_A_DOCUMENT = {
  subject: { type: 'column', column: 'subject_id' },
  tenantColumn: 'tenant_id',
  recordId: 'id',
  dataCategories: ['content'],
  subjectCategories: ['document-subjects'],
  purposes: PURPOSES,
  erasure: { action: 'delete' },
} as const;
const WITH_THE_DOCUMENT = {
  until: 'its document is deleted, expires (its retention) or its subject is erased',
  justification: 'a chunk or a vector is a part of its document and serves nothing without it',
};

/** How long a document is kept after its ingestion, at most, whatever its purpose declares. */
export const DOCUMENT_RETENTION_DAYS = 365;

export const VECTOR_DOCUMENTS = personalDataStore({
  table: 'vector_documents',
  description: 'Documents ingested for retrieval: collection, purpose, classification, data subject, metadata of ids and codes, ingestion progress (no text)',
  ...OF_A_DOCUMENT,
  sealed: [],
  retention: {
    kind: 'documents',
    maxDays: DOCUMENT_RETENTION_DAYS,
    from: 'created_at',
    justification:
      "documents are searched for the purpose declared with them, and kept no longer than the retention that purpose declares (the tenant's purposes, retention_days, fixed as expires_at when the document is accepted); a year without being ingested again ends that use whatever the purpose declares",
    tenantMayShorten: false,
    expiresAt: 'expires_at',
    // Its vectors may be in Qdrant, which a SQL delete cannot reach: the vector store deletes an expired document as it deletes one (DocumentExpiry).
    removedBy: 'service',
  },
  recipients: RECIPIENTS,
});

export const VECTOR_CHUNKS = personalDataStore({
  table: 'vector_chunks',
  description: "The documents' text, cut into chunks, sealed (AES-256-GCM) under the subject's data key or the tenant's document key",
  ...OF_A_DOCUMENT,
  sealed: ['text'] as const,
  retention: WITH_THE_DOCUMENT,
  recipients: RECIPIENTS,
});

export const VECTOR_POINTS = personalDataStore({
  table: 'vector_points',
  description: 'The embedded backend\'s vectors of the chunks (computed from their pseudonymised text), with the ids and codes a search filters on',
  ...OF_A_DOCUMENT,
  sealed: [],
  withheld: { vector: 'numbers computed by a model from the pseudonymised text: they tell the subject nothing that the exported chunks do not' },
  retention: WITH_THE_DOCUMENT,
  recipients: ['nobody: searched by the vector store itself'],
});
