// What the vector store is asked on the bus and what it answers: documents (ingested, followed,
// deleted), searches over a collection's chunks, and the collections a tenant may use. Document
// text and chunk text travel here only, in requests and replies: never in a subject, a header, a
// log line, an audit entry or a vector backend's payload (which carries ids and codes only).
import { z } from 'zod';
import { PurposeId } from './auth-operations.js';
import { Timestamp, Uuid } from './primitives.js';

export const VECTOR_STORE_LIMITS = {
  /** Characters of one document (UTF-16 code units): a request stays well under the bus's 1 MiB. */
  documentChars: 256 * 1024,
  /** Characters of a search's query text. */
  queryChars: 8 * 1024,
  /** Dimensions of a query vector given as it is. */
  vectorDimensions: 4_096,
  /** Results of one search. */
  topK: 50,
  /** Metadata fields of one document (ids and codes). */
  metadataFields: 16,
  /** Document ids one search may be narrowed to. */
  filterDocuments: 100,
} as const;

/** Data classifications, the same list as libs/authz's ABAC conditions read (a spec checks they agree). */
export const DOCUMENT_CLASSIFICATIONS = ['public', 'internal', 'confidential', 'health'] as const;
export const DocumentClassification = z.enum(DOCUMENT_CLASSIFICATIONS);
export type DocumentClassification = z.infer<typeof DocumentClassification>;

export const CollectionId = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/);

/** A metadata field's name, declared by its collection. */
export const MetadataField = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/);
/**
 * Ids and codes only (a case number, a category): no spaces, nothing that reads as prose. Stored in
 * clear to be filtered on; an identifier written as ids are (a phone number as digits, an IBAN
 * without spaces) passes this pattern, and the vector store refuses it with its PII check.
 */
export const MetadataValue = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/);
export const DocumentMetadata = z
  .record(MetadataField, MetadataValue)
  .refine((metadata) => Object.keys(metadata).length <= VECTOR_STORE_LIMITS.metadataFields, { message: `at most ${VECTOR_STORE_LIMITS.metadataFields} fields` });
export type DocumentMetadata = z.infer<typeof DocumentMetadata>;

/**
 * A document to chunk, embed (through the gateway, pseudonymised) and store. `purpose`: the
 * tenant's purpose of processing the document serves (its legal basis is checked by the gateway);
 * `subject_id`: the data subject it is about, whose data key seals its chunks (the tenant's
 * document key when absent); `classification`: what the ABAC conditions read (`internal` by default).
 */
export const IngestDocumentRequest = z
  .object({
    collection: CollectionId,
    text: z.string().min(1).max(VECTOR_STORE_LIMITS.documentChars),
    purpose: PurposeId,
    subject_id: Uuid.optional(),
    classification: DocumentClassification.optional(),
    metadata: DocumentMetadata.optional(),
  })
  .strict();
export type IngestDocumentRequest = z.infer<typeof IngestDocumentRequest>;

export const DOCUMENT_STATUSES = ['processing', 'ready', 'failed'] as const;
export const DocumentStatus = z.enum(DOCUMENT_STATUSES);
export type DocumentStatus = z.infer<typeof DocumentStatus>;

export const DocumentAccepted = z.object({ id: Uuid, status: DocumentStatus }).strict();
export type DocumentAccepted = z.infer<typeof DocumentAccepted>;

export const DocumentRef = z.object({ id: Uuid }).strict();
export type DocumentRef = z.infer<typeof DocumentRef>;

/** A document as its owner follows it: progress while it is embedded, and why it failed (a reason code). */
export const DocumentState = z
  .object({
    id: Uuid,
    collection: CollectionId,
    status: DocumentStatus,
    chunks_done: z.number().int().min(0),
    chunks_total: z.number().int().min(0),
    purpose: PurposeId,
    classification: DocumentClassification,
    subject_id: Uuid.nullable(),
    metadata: z.record(z.string(), z.string()),
    failure: z.string().max(63).nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .strict();
export type DocumentState = z.infer<typeof DocumentState>;

/** What a search may be narrowed to, beyond the caller's tenant (which no request names). */
export const SearchFilter = z
  .object({
    document_ids: z.array(Uuid).min(1).max(VECTOR_STORE_LIMITS.filterDocuments).optional(),
    classifications: z.array(DocumentClassification).min(1).max(DOCUMENT_CLASSIFICATIONS.length).optional(),
    subject_id: Uuid.optional(),
    /** Equality on the collection's declared metadata fields. */
    metadata: DocumentMetadata.optional(),
  })
  .strict();
export type SearchFilter = z.infer<typeof SearchFilter>;

/**
 * A search over one collection: by `query` text (embedded through the gateway, pseudonymised, with
 * the collection's model) or by a `vector` already computed with that model (the gateway's
 * retrieval, which embeds the question itself), never both. `purpose`: the purpose the search
 * serves; given, only documents ingested for it are searched (purpose limitation), and the query is
 * embedded for it.
 */
export const SearchRequest = z
  .object({
    collection: CollectionId,
    query: z.string().min(1).max(VECTOR_STORE_LIMITS.queryChars).optional(),
    vector: z.array(z.number().finite()).min(1).max(VECTOR_STORE_LIMITS.vectorDimensions).optional(),
    top_k: z.number().int().min(1).max(VECTOR_STORE_LIMITS.topK).optional(),
    purpose: PurposeId.optional(),
    filter: SearchFilter.optional(),
  })
  .strict()
  .refine((request) => (request.query === undefined) !== (request.vector === undefined), { message: 'exactly one of query and vector', path: ['query'] });
export type SearchRequest = z.infer<typeof SearchRequest>;

export const SearchResult = z
  .object({
    document_id: Uuid,
    chunk_id: Uuid,
    /** The chunk's text, opened for a caller whose grants allow its classification. */
    chunk: z.string(),
    /** Cosine similarity with the query, -1 to 1 (higher is closer). */
    score: z.number(),
    classification: DocumentClassification,
  })
  .strict();
export type SearchResult = z.infer<typeof SearchResult>;

export const SearchReply = z.object({ results: z.array(SearchResult).max(VECTOR_STORE_LIMITS.topK) }).strict();
export type SearchReply = z.infer<typeof SearchReply>;

export const CollectionDescription = z
  .object({ id: CollectionId, model: z.string(), dimensions: z.number().int().min(1), metadata_fields: z.array(MetadataField) })
  .strict();
export type CollectionDescription = z.infer<typeof CollectionDescription>;

export const CollectionList = z.object({ collections: z.array(CollectionDescription).max(100) }).strict();
export type CollectionList = z.infer<typeof CollectionList>;
