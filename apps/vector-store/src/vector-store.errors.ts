// The vector store's domain reasons, each with its transport code and its one message. Messages
// never carry input: a collection, a field, a document are named by the detail's path at most.
import { ErrorCode, ErrorReasons, type GardienError, type ReasonExtras } from '@gardien/contracts';

export enum VectorStoreReason {
  /** No collection of that id is configured. */
  UnknownCollection = 'unknown_collection',
  /** A document's metadata names a field its collection does not declare. */
  UnknownMetadataField = 'unknown_metadata_field',
  /** A search filters on a metadata field its collection does not declare. */
  UnknownFilterField = 'unknown_filter_field',
  /** A metadata value (or a filter's) in which the PII engine finds an identifier: metadata is ids and codes only. */
  MetadataValuePersonal = 'metadata_value_personal',
  /** A query vector's dimension is not the collection's. */
  VectorDimensionMismatch = 'vector_dimension_mismatch',
  /** The document's chunks would be more than one document may have. */
  DocumentTooLarge = 'document_too_large',
  /** The document's text is blank: nothing to embed or search. */
  DocumentEmpty = 'document_empty',
  /** No such document in the caller's tenant (or one the caller may not see: the same answer). */
  DocumentNotFound = 'document_not_found',
  /** Documents belong to a tenant, and the caller (the super-admin, a platform service) has none. */
  TenantRequired = 'document_tenant_required',
  /** Qdrant (or the embedded index) cannot be reached: nothing was changed. */
  VectorBackendUnavailable = 'vector_backend_unavailable',
  /** The vector space exists with another dimension than the collection declares (a configuration error). */
  VectorSpaceMisconfigured = 'vector_space_misconfigured',
  /** The embedding model answered vectors of another dimension than the collection declares. */
  EmbeddingDimensionMismatch = 'embedding_dimension_mismatch',
  /** A query vector with a component not finite as a float32, or of zero norm. */
  VectorInvalid = 'vector_invalid',
  /** The collection's embedding model is not one the caller may call for embeddings now (its tenant's settings, the catalogue, the runtime). */
  EmbeddingModelUnavailable = 'embedding_model_unavailable',
  /** The embedding model answered a vector that is not finite or of zero norm. */
  EmbeddingInvalid = 'embedding_invalid',
  /** The tenant's vectors of this space would outgrow what the embedded backend holds for one tenant. */
  VectorSpaceFull = 'vector_space_full',
  /** The document's purpose is not one its tenant declares. */
  DocumentPurposeUndeclared = 'document_purpose_undeclared',
  /** The document's purpose rests on consent, which cannot be checked until the consent registry exists. */
  DocumentConsentNotVerifiable = 'document_consent_not_verifiable',
  /** Too many ingestions are waiting in this replica. */
  IngestionQueueFull = 'ingestion_queue_full',
  /** Too many of the tenant's documents are being ingested in this replica. */
  IngestionTenantLimit = 'ingestion_tenant_limit',
}

export const VECTOR_STORE_ERRORS = ErrorReasons.define<VectorStoreReason>('vector-store', {
  [VectorStoreReason.UnknownCollection]: { code: ErrorCode.ValidationFailed, message: 'no such collection' },
  [VectorStoreReason.UnknownMetadataField]: { code: ErrorCode.ValidationFailed, message: 'a metadata field is not declared by the collection' },
  [VectorStoreReason.UnknownFilterField]: { code: ErrorCode.ValidationFailed, message: 'a filter names a field the collection does not declare' },
  [VectorStoreReason.MetadataValuePersonal]: { code: ErrorCode.ValidationFailed, message: 'a metadata value reads as personal data: metadata holds ids and codes only' },
  [VectorStoreReason.VectorDimensionMismatch]: { code: ErrorCode.ValidationFailed, message: "the query vector's dimension is not the collection's" },
  [VectorStoreReason.DocumentTooLarge]: { code: ErrorCode.PayloadTooLarge, message: 'the document has more chunks than a document may have' },
  [VectorStoreReason.DocumentEmpty]: { code: ErrorCode.ValidationFailed, message: 'the document holds only blanks: nothing was stored' },
  [VectorStoreReason.DocumentNotFound]: { code: ErrorCode.NotFound, message: 'no such document' },
  [VectorStoreReason.TenantRequired]: { code: ErrorCode.Forbidden, message: 'documents belong to a tenant and the caller has none' },
  [VectorStoreReason.VectorBackendUnavailable]: { code: ErrorCode.Unavailable, message: 'the vector store cannot be reached: nothing was changed' },
  [VectorStoreReason.VectorSpaceMisconfigured]: { code: ErrorCode.Unavailable, message: "the collection's vector space is configured with another dimension" },
  [VectorStoreReason.EmbeddingDimensionMismatch]: { code: ErrorCode.Unavailable, message: "the embedding model's vectors do not have the collection's dimension" },
  [VectorStoreReason.VectorInvalid]: { code: ErrorCode.ValidationFailed, message: 'the query vector has a component that is not a finite float32, or a zero norm' },
  [VectorStoreReason.EmbeddingModelUnavailable]: { code: ErrorCode.Unavailable, message: "the collection's embedding model is not served to the caller's tenant (not allowed by its settings, or not running): nothing was stored" },
  [VectorStoreReason.EmbeddingInvalid]: { code: ErrorCode.Unavailable, message: "the embedding model's vector is not finite or has a zero norm" },
  [VectorStoreReason.VectorSpaceFull]: {
    code: ErrorCode.PayloadTooLarge,
    message: "the tenant's vectors of this collection's model would outgrow what the embedded vector store holds (GARDIEN_VECTOR_INDEX_MAX_POINTS): delete documents, or use Qdrant",
  },
  [VectorStoreReason.DocumentPurposeUndeclared]: { code: ErrorCode.Forbidden, message: 'the tenant declares no such purpose: nothing was stored' },
  [VectorStoreReason.DocumentConsentNotVerifiable]: { code: ErrorCode.Forbidden, message: 'the purpose rests on consent, which cannot be checked yet: nothing was stored' },
  [VectorStoreReason.IngestionQueueFull]: { code: ErrorCode.Unavailable, message: 'too many documents are being ingested: try again shortly' },
  [VectorStoreReason.IngestionTenantLimit]: { code: ErrorCode.RateLimited, message: "too many of the tenant's documents are being ingested: try again shortly" },
});

export function vectorStoreError(reason: VectorStoreReason, extras?: ReasonExtras): GardienError {
  return VECTOR_STORE_ERRORS.error(reason, extras);
}
