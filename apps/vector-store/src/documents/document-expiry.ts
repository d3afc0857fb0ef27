// Expired documents leave the way a deletion does (DocumentStore.delete): their vectors from the
// backend first (Qdrant's points, which no SQL delete reaches, or the embedded backend's with its
// in-memory index), then their row and chunks, each audited `document.deleted` (reason `expired`).
// The platform's retention purge finds them (as the maintenance role, which only reads them: the
// inventory declares documents removed by the service) and hands their ids here, a batch at a time;
// they are read again and deleted in each tenant's own transaction, as the runtime role.
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { withTenant, type ExpiredRow, type ExpiredRowsRemover } from '@gardien/persistence';
import { DOCUMENT_RETENTION_DAYS } from './document-personal-data.js';
import { DocumentStore } from './document-store.js';
import { DocumentsRepository, type DocumentRow } from './documents.repository.js';
import { STALLED_AFTER_MS } from './documents.service.js';

/** Asked by no one: the retention purge acts. */
const EXPIRY_AUTHOR = { system: 'retention-purge' };
const DAY_MS = 86_400_000;

/** Whether a document is past its expiry, or past the ceiling from its ingestion (documents accepted before they had an expiry). */
export function isExpired(document: Pick<DocumentRow, 'created_at' | 'expires_at'>, now = Date.now()): boolean {
  return (document.expires_at !== null && document.expires_at.getTime() <= now) || document.created_at.getTime() < now - DOCUMENT_RETENTION_DAYS * DAY_MS;
}

@Injectable()
export class DocumentExpiry {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: DocumentsRepository,
    private readonly store: DocumentStore,
  ) {}

  /** The remover the retention purge is given (kind `documents`): answers how many documents it deleted. */
  readonly remove: ExpiredRowsRemover = async (rows) => {
    let removed = 0;
    for (const [tenantId, ids] of byTenant(rows)) {
      const documents = await withTenant(this.dataSource, tenantId, (manager) => this.repository.findMany(manager, ids));
      // Checked again here: only what is expired goes, whatever ids are handed over; a document whose ingestion is
      // under way is left to it (its storing would race the deletion, leaving points behind), unless it stalled.
      for (const document of documents.filter((candidate) => isExpired(candidate) && !ingesting(candidate))) {
        if (await this.store.delete(EXPIRY_AUTHOR, document, 'expired')) removed += 1;
      }
    }
    return removed;
  };
}

/** Whether a document's ingestion is under way: processing, with progress less than STALLED_AFTER_MS ago. */
function ingesting(document: Pick<DocumentRow, 'status' | 'updated_at'>, now = Date.now()): boolean {
  return document.status === 'processing' && document.updated_at.getTime() > now - STALLED_AFTER_MS;
}

function byTenant(rows: readonly ExpiredRow[]): Map<string, string[]> {
  const tenants = new Map<string, string[]>();
  for (const { tenantId, id } of rows) {
    if (tenantId === null) continue;
    tenants.set(tenantId, [...(tenants.get(tenantId) ?? []), id]);
  }
  return tenants;
}
