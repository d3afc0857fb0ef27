// Documents as a tenant's members see them: accepted (checked, chunked, their expiry fixed from
// their purpose's retention, their row written and audited; embedding and storing follow in the
// background), followed, deleted. Everything in the
// verified caller's tenant; the classification and ownership conditions of libs/authz decide who
// may create, read and delete which document (a document the caller may not read is not found).
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { authorize, authorizeAny, defineAbilityFor, isAllowed } from '@gardien/authz';
import type { Caller, DocumentAccepted, DocumentRef, DocumentState, IngestDocumentRequest } from '@gardien/contracts';
import { withTenant } from '@gardien/persistence';
import { CollectionCatalogue, spaceOf } from '../collections/collection-catalogue.js';
import { VectorStoreReason, vectorStoreError } from '../vector-store.errors.js';
import { vectorStoreAudit } from '../vector-store.audit.js';
import { VECTOR_BACKEND, type VectorBackend } from '../vectors/vector-backend.port.js';
import { MAX_CHUNKS } from './chunking.js';
import { documentChunks } from './document-chunks.js';
import { DocumentIngestion } from './document-ingestion.js';
import { PurposeRetentions, documentRetentionDays } from './document-retention.js';
import { DocumentStore } from './document-store.js';
import { DocumentsRepository, type DocumentRow } from './documents.repository.js';
import { Embedder } from './embedder.js';
import { refusePersonalMetadata } from './metadata-values.js';

/** A document `processing` with no progress for this long was being ingested by a process that stopped. */
export const STALLED_AFTER_MS = 10 * 60_000;

/** The caller's tenant; documents belong to one. */
export function tenantOf(caller: Caller): string {
  if (caller.tenantId === null) throw vectorStoreError(VectorStoreReason.TenantRequired);
  return caller.tenantId;
}

@Injectable()
export class DocumentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: DocumentsRepository,
    private readonly catalogue: CollectionCatalogue,
    private readonly store: DocumentStore,
    private readonly ingestion: DocumentIngestion,
    private readonly embedder: Embedder,
    private readonly retentions: PurposeRetentions,
    @Inject(VECTOR_BACKEND) private readonly backend: VectorBackend,
  ) {}

  async ingest(caller: Caller, token: string | undefined, request: IngestDocumentRequest): Promise<DocumentAccepted> {
    const tenantId = tenantOf(caller);
    const ability = defineAbilityFor(caller.principal);
    authorizeAny(ability, 'create', 'Document');
    const collection = this.catalogue.get(request.collection);
    const metadata = request.metadata ?? {};
    if (Object.keys(metadata).some((field) => !collection.metadata_fields.includes(field))) {
      throw vectorStoreError(VectorStoreReason.UnknownMetadataField, { details: [{ path: 'metadata.*', reason: 'unknown_metadata_field' }] });
    }
    refusePersonalMetadata(metadata, 'metadata');
    const classification = request.classification ?? 'internal';
    authorize(ability, 'create', 'Document', { tenantId, ownerId: caller.principal.id, classification });
    const chunks = documentChunks(request.text, collection).map((chunk) => chunk.text);
    if (chunks.length > MAX_CHUNKS) throw vectorStoreError(VectorStoreReason.DocumentTooLarge);
    if (chunks.length === 0) throw vectorStoreError(VectorStoreReason.DocumentEmpty, { details: [{ path: 'text', reason: VectorStoreReason.DocumentEmpty }] });
    // Reserved before the first await: concurrent acceptances cannot all pass one check.
    const slot = this.ingestion.reserve(tenantId);
    try {
      const session = await this.embedder.open(caller, token);
      const space = spaceOf(collection);
      await session.ensureServes(space);
      await this.backend.ensureSpace(space);
      await this.backend.ensureRoom(tenantId, space, chunks.length);
      // The purpose as the tenant declares it: a document is refused here, not accepted only to have its embedding refused.
      const declared = await this.retentions.purposeOf(caller, tenantId, request.purpose);
      if (!declared) throw vectorStoreError(VectorStoreReason.DocumentPurposeUndeclared, { details: [{ path: 'purpose', reason: VectorStoreReason.DocumentPurposeUndeclared }] });
      if (declared.legalBasis === 'consent') throw vectorStoreError(VectorStoreReason.DocumentConsentNotVerifiable);
      const retentionDays = documentRetentionDays(declared.retentionDays);
      const document = await withTenant(this.dataSource, tenantId, async (manager) => {
        const row = await this.repository.insert(manager, {
          id: randomUUID(),
          tenant_id: tenantId,
          collection: collection.id,
          purpose: request.purpose,
          classification,
          owner_id: caller.principal.id,
          subject_id: request.subject_id ?? null,
          metadata,
          chunks_total: chunks.length,
          retention_days: retentionDays,
        });
        await vectorStoreAudit.record(manager, caller, { action: 'document.accepted', tenantId, targetId: row.id, details: { chunks: chunks.length, collection: collection.id, retentionDays } });
        return row;
      });
      this.ingestion.enqueue(slot, { caller, document, space, chunks, session });
      return { id: document.id, status: 'processing' };
    } finally {
      slot.release();
    }
  }

  async get(caller: Caller, ref: DocumentRef): Promise<DocumentState> {
    return stateOf(await this.readable(caller, ref));
  }

  async delete(caller: Caller, ref: DocumentRef): Promise<Record<string, never>> {
    const document = await this.readable(caller, ref);
    authorize(defineAbilityFor(caller.principal), 'delete', 'Document', { tenantId: document.tenant_id, ownerId: document.owner_id, classification: document.classification });
    await this.store.delete(caller, document);
    return {};
  }

  /** The document if the caller may read it; the same NOT_FOUND whether it does not exist or may not be seen. */
  private async readable(caller: Caller, ref: DocumentRef): Promise<DocumentRow> {
    const tenantId = tenantOf(caller);
    const ability = defineAbilityFor(caller.principal);
    authorizeAny(ability, 'read', 'Document');
    const document = await withTenant(this.dataSource, tenantId, (manager) => this.repository.find(manager, ref.id));
    if (!document || !isAllowed(ability, 'read', 'Document', { tenantId, ownerId: document.owner_id, classification: document.classification })) {
      throw vectorStoreError(VectorStoreReason.DocumentNotFound);
    }
    return document;
  }
}

export function stateOf(row: DocumentRow, now = Date.now()): DocumentState {
  const stalled = row.status === 'processing' && now - row.updated_at.getTime() > STALLED_AFTER_MS;
  return {
    id: row.id,
    collection: row.collection,
    status: stalled ? 'failed' : row.status,
    chunks_done: row.chunks_done,
    chunks_total: row.chunks_total,
    purpose: row.purpose,
    classification: row.classification,
    subject_id: row.subject_id,
    metadata: row.metadata,
    failure: stalled ? 'interrupted' : row.failure,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
