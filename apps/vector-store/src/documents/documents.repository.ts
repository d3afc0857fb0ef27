// The queries of documents and chunks, each in the caller's tenant transaction (row-level
// security does the rest). No rule here: what is stored, when, and by whom is the services'.
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { DocumentClassification, DocumentStatus } from '@gardien/contracts';

export interface DocumentRow {
  id: string;
  tenant_id: string;
  collection: string;
  purpose: string;
  classification: DocumentClassification;
  owner_id: string;
  subject_id: string | null;
  metadata: Record<string, string>;
  status: DocumentStatus;
  chunks_total: number;
  chunks_done: number;
  failure: string | null;
  created_at: Date;
  updated_at: Date;
  /** When it expires (its purpose's retention, at most the ceiling); null for documents accepted before documents had one. */
  expires_at: Date | null;
}

export type NewDocument = Omit<DocumentRow, 'status' | 'chunks_done' | 'failure' | 'created_at' | 'updated_at' | 'expires_at'> & {
  /** Days it is kept from now (documentRetentionDays). */
  retention_days: number;
};

export interface NewChunk {
  id: string;
  ordinal: number;
  /** Sealed. */
  text: string;
}

/** A chunk with what a search needs of its document. */
export interface StoredChunk {
  id: string;
  document_id: string;
  subject_id: string | null;
  ordinal: number;
  text: string;
  classification: DocumentClassification;
  owner_id: string;
}

const DOCUMENT_COLUMNS = 'id, tenant_id, collection, purpose, classification, owner_id, subject_id::text AS subject_id, metadata, status, chunks_total, chunks_done, failure, created_at, updated_at, expires_at';

/** Rows of TypeORM's answer to an UPDATE or DELETE ... RETURNING ([rows, count]). */
function returned<T>(result: unknown): T[] {
  return (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as T[];
}

@Injectable()
export class DocumentsRepository {
  async insert(manager: EntityManager, document: NewDocument): Promise<DocumentRow> {
    const [row] = await manager.query<DocumentRow[]>(
      `INSERT INTO vector_documents (id, tenant_id, collection, purpose, classification, owner_id, subject_id, metadata, status, chunks_total, created_at, updated_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'processing', $9, now(), now(), now() + make_interval(days => $10)) RETURNING ${DOCUMENT_COLUMNS}`,
      [document.id, document.tenant_id, document.collection, document.purpose, document.classification, document.owner_id, document.subject_id, JSON.stringify(document.metadata), document.chunks_total, document.retention_days],
    );
    return row!;
  }

  async find(manager: EntityManager, id: string): Promise<DocumentRow | undefined> {
    const [row] = await manager.query<DocumentRow[]>(`SELECT ${DOCUMENT_COLUMNS} FROM vector_documents WHERE id = $1`, [id]);
    return row;
  }

  /** The documents among `ids` that still exist. */
  async findMany(manager: EntityManager, ids: readonly string[]): Promise<DocumentRow[]> {
    return manager.query(`SELECT ${DOCUMENT_COLUMNS} FROM vector_documents WHERE id = ANY($1::uuid[])`, [[...ids]]);
  }

  /** Progress of a document still processing; false when it is not (deleted meanwhile). */
  async progress(manager: EntityManager, id: string, chunksDone: number): Promise<boolean> {
    const rows = returned(await manager.query("UPDATE vector_documents SET chunks_done = $2, updated_at = now() WHERE id = $1 AND status = 'processing' RETURNING 1", [id, chunksDone]));
    return rows.length > 0;
  }

  async finish(manager: EntityManager, id: string, status: Exclude<DocumentStatus, 'processing'>, failure: string | null): Promise<boolean> {
    const rows = returned(
      await manager.query(
        "UPDATE vector_documents SET status = $2, failure = $3, chunks_done = CASE WHEN $2 = 'ready' THEN chunks_total ELSE chunks_done END, updated_at = now() WHERE id = $1 AND status = 'processing' RETURNING 1",
        [id, status, failure],
      ),
    );
    return rows.length > 0;
  }

  async delete(manager: EntityManager, id: string): Promise<boolean> {
    return returned(await manager.query('DELETE FROM vector_documents WHERE id = $1 RETURNING 1', [id])).length > 0;
  }

  async insertChunks(manager: EntityManager, document: DocumentRow, chunks: readonly NewChunk[]): Promise<void> {
    await manager.query(
      `INSERT INTO vector_chunks (id, tenant_id, document_id, subject_id, ordinal, text, created_at)
       SELECT id, $1, $2, $3, ordinal, text, now() FROM unnest($4::uuid[], $5::int[], $6::text[]) AS c (id, ordinal, text)`,
      [document.tenant_id, document.id, document.subject_id, chunks.map((c) => c.id), chunks.map((c) => c.ordinal), chunks.map((c) => c.text)],
    );
  }

  async chunks(manager: EntityManager, ids: readonly string[]): Promise<StoredChunk[]> {
    return manager.query(
      `SELECT c.id, c.document_id, c.subject_id::text AS subject_id, c.ordinal, c.text, d.classification, d.owner_id
         FROM vector_chunks c JOIN vector_documents d ON d.id = c.document_id
        WHERE c.id = ANY($1::uuid[]) AND d.status = 'ready'`,
      [ids],
    );
  }

  /** The ids among `ids` that have a chunk row (whatever their document's state). */
  async chunkIds(manager: EntityManager, ids: readonly string[]): Promise<string[]> {
    const rows: Array<{ id: string }> = await manager.query('SELECT id FROM vector_chunks WHERE id = ANY($1::uuid[])', [[...ids]]);
    return rows.map((row) => row.id);
  }

  /** The documents among `ids` still `processing`. */
  async processing(manager: EntityManager, ids: readonly string[]): Promise<string[]> {
    const rows: Array<{ id: string }> = await manager.query("SELECT id FROM vector_documents WHERE id = ANY($1::uuid[]) AND status = 'processing'", [[...ids]]);
    return rows.map((row) => row.id);
  }

  /** Subjects among `subjects` whose processing is restricted (GDPR art. 18): their chunks are not served. */
  async restricted(manager: EntityManager, tenantId: string, subjects: readonly string[]): Promise<Set<string>> {
    if (subjects.length === 0) return new Set();
    const rows: Array<{ subject_id: string }> = await manager.query('SELECT subject_id FROM gardien_subject_restrictions WHERE tenant_id = $1 AND subject_id = ANY($2::text[])', [tenantId, [...subjects]]);
    return new Set(rows.map((row) => row.subject_id));
  }
}
