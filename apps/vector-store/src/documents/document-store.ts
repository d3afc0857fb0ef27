// Where a document's chunks and vectors are written, read and removed, so that nothing is ever half
// stored: the vectors go to the backend first, then the sealed chunks and the document's `ready`
// state in one transaction with its audit entry; if that transaction fails, the vectors are removed
// again (a crash in between leaves vectors whose chunks do not exist: a search never returns them,
// and a deletion removes them). A deletion removes the vectors first: a backend that cannot be
// reached changes nothing in Postgres.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { withTenant, type AuditAuthor } from '@gardien/persistence';
import { CollectionCatalogue, spaceOf } from '../collections/collection-catalogue.js';
import { vectorStoreAudit } from '../vector-store.audit.js';
import { VECTOR_BACKEND, type VectorBackend, type VectorHit, type VectorPoint } from '../vectors/vector-backend.port.js';
import { ChunkCodec } from './chunk-codec.js';
import { DocumentsRepository, type DocumentRow, type NewChunk, type StoredChunk } from './documents.repository.js';

export interface EmbeddedChunk {
  text: string;
  /** Unit length, of the collection's dimension. */
  vector: Float32Array;
}

/** A chunk found by a search, its text opened. */
export interface OpenedChunk extends Omit<StoredChunk, 'text'> {
  text: string;
  score: number;
}

@Injectable()
export class DocumentStore {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(VECTOR_BACKEND) private readonly backend: VectorBackend,
    private readonly codec: ChunkCodec,
    private readonly repository: DocumentsRepository,
    private readonly catalogue: CollectionCatalogue,
  ) {}

  /** Stores a processing document's chunks and marks it ready; false when it was deleted meanwhile (nothing of it is left). */
  async store(author: AuditAuthor, document: DocumentRow, chunks: readonly EmbeddedChunk[]): Promise<boolean> {
    const space = spaceOf(this.catalogue.get(document.collection));
    const ids = chunks.map(() => randomUUID());
    const sealed: NewChunk[] = [];
    for (const [ordinal, chunk] of chunks.entries()) {
      sealed.push({ id: ids[ordinal]!, ordinal, text: await this.codec.seal({ tenantId: document.tenant_id, subjectId: document.subject_id, chunkId: ids[ordinal]! }, chunk.text) });
    }
    const points: VectorPoint[] = chunks.map((chunk, i) => ({
      id: ids[i]!,
      documentId: document.id,
      collection: document.collection,
      purpose: document.purpose,
      classification: document.classification,
      ownerId: document.owner_id,
      subjectId: document.subject_id,
      metadata: document.metadata,
      vector: chunk.vector,
    }));
    await this.backend.upsert(document.tenant_id, space, points);
    let stored = false;
    try {
      stored = await withTenant(this.dataSource, document.tenant_id, async (manager) => {
        if (!(await this.repository.finish(manager, document.id, 'ready', null))) return false;
        await this.repository.insertChunks(manager, document, sealed);
        await vectorStoreAudit.record(manager, author, { action: 'document.stored', tenantId: document.tenant_id, targetId: document.id, details: { chunks: chunks.length, backend: this.backend.kind } });
        return true;
      });
    } finally {
      if (!stored) await this.backend.deleteDocument(document.tenant_id, document.id, [space]).catch(() => undefined);
    }
    return stored;
  }

  /** Marks a processing document failed (with a reason code), its vectors removed; false when it is no longer processing. */
  async fail(author: AuditAuthor, document: DocumentRow, reason: string): Promise<boolean> {
    await this.backend.deleteDocument(document.tenant_id, document.id, this.catalogue.spaces()).catch(() => undefined);
    return withTenant(this.dataSource, document.tenant_id, async (manager) => {
      if (!(await this.repository.finish(manager, document.id, 'failed', reason))) return false;
      await vectorStoreAudit.record(manager, author, { action: 'document.failed', tenantId: document.tenant_id, targetId: document.id, outcome: 'failure', details: { reason: reason.replaceAll('_', '-') } });
      return true;
    });
  }

  /**
   * Deletes the document: its vectors first (in every space), then its row, chunks with it, audited
   * (`reason` when it is not its owner's request: `expired`); false when it was already gone.
   */
  async delete(author: AuditAuthor, document: DocumentRow, reason?: 'expired'): Promise<boolean> {
    const vectors = await this.backend.deleteDocument(document.tenant_id, document.id, this.catalogue.spaces());
    return withTenant(this.dataSource, document.tenant_id, async (manager) => {
      if (!(await this.repository.delete(manager, document.id))) return false;
      const details = { chunks: document.chunks_total, vectors, ...(reason ? { reason } : {}) };
      await vectorStoreAudit.record(manager, author, { action: 'document.deleted', tenantId: document.tenant_id, targetId: document.id, details });
      return true;
    });
  }

  /**
   * The chunks of the hits, text opened, in the hits' order: hits whose chunk is gone (a document
   * deleted or expired, a subject erased) or whose subject's processing is restricted are left out.
   */
  async open(tenantId: string, hits: readonly VectorHit[]): Promise<{ chunks: OpenedChunk[]; missing: VectorHit[] }> {
    if (hits.length === 0) return { chunks: [], missing: [] };
    const { rows, restricted } = await withTenant(this.dataSource, tenantId, async (manager) => {
      const found = await this.repository.chunks(manager, hits.map((hit) => hit.id));
      const subjects = [...new Set(found.flatMap((row) => (row.subject_id ? [row.subject_id] : [])))];
      return { rows: found, restricted: await this.repository.restricted(manager, tenantId, subjects) };
    });
    const byId = new Map(rows.map((row) => [row.id, row]));
    const chunks: OpenedChunk[] = [];
    const missing: VectorHit[] = [];
    for (const hit of hits) {
      const row = byId.get(hit.id);
      if (!row) {
        missing.push(hit);
        continue;
      }
      if (row.subject_id && restricted.has(row.subject_id)) continue;
      const text = await this.codec.open({ tenantId, subjectId: row.subject_id, chunkId: row.id }, row.text);
      chunks.push({ ...row, text, score: hit.score });
    }
    return { chunks, missing };
  }

  /**
   * Removes vectors found without their chunk (their document deleted or purged, their subject
   * erased elsewhere, a crash between the upsert and the commit). Checked again first, by point:
   * a search may have met the vectors of a document being stored (upserted, chunks not yet
   * committed), which is ready by now. A point is removed only if its chunk row is still absent and
   * its document is not `processing` (its chunks may still come); never a whole document.
   */
  async sweep(tenantId: string, missing: readonly VectorHit[]): Promise<void> {
    if (missing.length === 0) return;
    const stray = await withTenant(this.dataSource, tenantId, async (manager) => {
      const present = new Set(await this.repository.chunkIds(manager, missing.map((hit) => hit.id)));
      const processing = new Set(await this.repository.processing(manager, [...new Set(missing.map((hit) => hit.documentId))]));
      return missing.filter((hit) => !present.has(hit.id) && !processing.has(hit.documentId)).map((hit) => hit.id);
    });
    if (stray.length > 0) await this.backend.deletePoints(tenantId, stray, this.catalogue.spaces());
  }
}
