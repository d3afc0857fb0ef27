// A search over one collection of the caller's tenant: the query embedded through the gateway (or
// a vector the gateway computed), the backend asked for the nearest points the caller may read
// (the access condition from libs/authz, the filters of the request, the tenant from the token
// alone), their chunks opened, each checked again against its document's classification and
// owner. Vectors met without their chunk (a document deleted or expired) are swept. Each search
// opens sealed text: it is audited (`documents.searched`, through the outbox: collection, results,
// top_k, the purpose's audit ref, whether by query or vector; never the query or a chunk) before its answer leaves.
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { defineAbilityFor, authorizeAny, isAllowed } from '@gardien/authz';
import { purposeAuditRef, type Caller, type SearchReply, type SearchRequest } from '@gardien/contracts';
import type { Logger } from '@gardien/observability';
import { withTenant } from '@gardien/persistence';
import { LOGGER } from '@gardien/platform';
import { CollectionCatalogue, spaceOf } from '../collections/collection-catalogue.js';
import { DocumentStore } from '../documents/document-store.js';
import { tenantOf } from '../documents/documents.service.js';
import { Embedder } from '../documents/embedder.js';
import { refusePersonalMetadata } from '../documents/metadata-values.js';
import { vectorStoreAudit } from '../vector-store.audit.js';
import { VectorStoreReason, vectorStoreError } from '../vector-store.errors.js';
import { VECTOR_BACKEND, normalised, type PointFilter, type VectorBackend } from '../vectors/vector-backend.port.js';
import { accessConditionOf } from './document-access.js';

export const DEFAULT_TOP_K = 5;

@Injectable()
export class SearchService {
  constructor(
    private readonly catalogue: CollectionCatalogue,
    private readonly store: DocumentStore,
    private readonly embedder: Embedder,
    @Inject(VECTOR_BACKEND) private readonly backend: VectorBackend,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly dataSource: DataSource,
  ) {}

  async search(caller: Caller, token: string | undefined, request: SearchRequest): Promise<SearchReply> {
    const tenantId = tenantOf(caller);
    const ability = defineAbilityFor(caller.principal);
    authorizeAny(ability, 'read', 'Document');
    const collection = this.catalogue.get(request.collection);
    const wanted = request.filter ?? {};
    if (Object.keys(wanted.metadata ?? {}).some((field) => !collection.metadata_fields.includes(field))) {
      throw vectorStoreError(VectorStoreReason.UnknownFilterField, { details: [{ path: 'filter.metadata.*', reason: 'unknown_filter_field' }] });
    }
    refusePersonalMetadata(wanted.metadata, 'filter.metadata');
    const space = spaceOf(collection);
    if (request.vector && request.vector.length !== space.dimensions) {
      throw vectorStoreError(VectorStoreReason.VectorDimensionMismatch, { details: [{ path: 'vector', reason: 'vector_dimension_mismatch' }] });
    }
    const filter: PointFilter = {
      collection: collection.id,
      access: accessConditionOf(ability, tenantId, caller.principal.id),
      ...(request.purpose !== undefined ? { purpose: request.purpose } : {}),
      ...(wanted.document_ids ? { documentIds: wanted.document_ids } : {}),
      ...(wanted.classifications ? { classifications: wanted.classifications } : {}),
      ...(wanted.subject_id !== undefined ? { subjectId: wanted.subject_id } : {}),
      ...(wanted.metadata ? { metadata: wanted.metadata } : {}),
    };
    const query = request.vector ? normalised(request.vector) : await this.embedQuery(caller, token, space, request);
    const topK = request.top_k ?? DEFAULT_TOP_K;
    const hits = await this.backend.search(tenantId, space, query, topK, filter);
    const { chunks, missing } = await this.store.open(tenantId, hits);
    if (missing.length > 0) {
      this.store.sweep(tenantId, missing).catch(() => this.logger.warn({ event: 'vector_sweep_failed', count: missing.length }, 'vectors without chunks could not be removed'));
    }
    const results = chunks
      .filter((chunk) => isAllowed(ability, 'read', 'Document', { tenantId, ownerId: chunk.owner_id, classification: chunk.classification }))
      .map((chunk) => ({ document_id: chunk.document_id, chunk_id: chunk.id, chunk: chunk.text, score: chunk.score, classification: chunk.classification }));
    await withTenant(this.dataSource, tenantId, (manager) =>
      vectorStoreAudit.record(manager, caller, {
        action: 'documents.searched',
        tenantId,
        details: { collection: collection.id, results: results.length, topK, purpose: request.purpose !== undefined ? purposeAuditRef(tenantId, request.purpose) : null, by: request.vector ? 'vector' : 'query' },
      }),
    );
    return { results };
  }

  private async embedQuery(caller: Caller, token: string | undefined, space: ReturnType<typeof spaceOf>, request: SearchRequest): Promise<Float32Array> {
    const session = await this.embedder.open(caller, token);
    const [vector] = await session.embed({ space, purpose: request.purpose, texts: [request.query!] });
    return vector!;
  }
}
