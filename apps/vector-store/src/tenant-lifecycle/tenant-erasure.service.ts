// Erasing a deleted tenant in the vector store (design rule 5): its points in the vector backend
// first (Qdrant unreachable: nothing is erased and the event comes back), then its rows (documents,
// their chunks and points with them, index versions, restrictions) with their audit entry in one
// transaction, then its keys (the tenant's KMS key, its subject and document keys, its blind-index
// key): a copy of its ciphertexts (a backup) no longer opens. Asked by the tenant service's
// `tenant.deleted` event, which may arrive more than once: running it again finds nothing, records
// that, and destroys again.
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { BlindIndex, SubjectKeyRing } from '@gardien/crypto';
import { PLATFORM_TENANT_ID, Uuid, parsePayload } from '@gardien/contracts';
import { withTenant } from '@gardien/persistence';
import { CollectionCatalogue } from '../collections/collection-catalogue.js';
import { vectorStoreAudit } from '../vector-store.audit.js';
import { VECTOR_BACKEND, type VectorBackend } from '../vectors/vector-backend.port.js';

/** Asked by an event, not by anyone: the vector store itself acts. */
const ERASURE_AUTHOR = { system: 'vector-store' };

export interface ErasedTenantData {
  vectors: number;
  documents: number;
  chunks: number;
  points: number;
}

type TenantTable = 'vector_chunks' | 'vector_points' | 'vector_documents' | 'vector_index_versions' | 'gardien_subject_restrictions';

async function deleteWhereTenant(manager: EntityManager, table: TenantTable, tenantId: string): Promise<number> {
  const [, count]: [unknown[], number] = await manager.query(`DELETE FROM ${table} WHERE tenant_id = $1`, [tenantId]);
  return count;
}

@Injectable()
export class VectorTenantErasure {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(VECTOR_BACKEND) private readonly backend: VectorBackend,
    private readonly catalogue: CollectionCatalogue,
    private readonly keyRing: SubjectKeyRing,
    private readonly blindIndex: BlindIndex,
  ) {}

  /** `eventId` (a uuid, the event's id) ties the audit entry to the event that asked for it. */
  async erase(requestedTenantId: string, eventId?: string): Promise<ErasedTenantData> {
    // Canonical, whatever case it came in: the rows would match any case, the key names only this one.
    const tenantId = parsePayload(Uuid, requestedTenantId, 'tenantId');
    if (tenantId === PLATFORM_TENANT_ID) throw new Error('the platform tenant is not erasable');
    const vectors = await this.backend.deleteTenant(tenantId, this.catalogue.spaces());
    const erased = await withTenant(this.dataSource, tenantId, async (manager) => {
      const chunks = await deleteWhereTenant(manager, 'vector_chunks', tenantId);
      const points = await deleteWhereTenant(manager, 'vector_points', tenantId);
      const documents = await deleteWhereTenant(manager, 'vector_documents', tenantId);
      await deleteWhereTenant(manager, 'vector_index_versions', tenantId);
      await deleteWhereTenant(manager, 'gardien_subject_restrictions', tenantId);
      const rows = { vectors, documents, chunks, points };
      await vectorStoreAudit.record(manager, ERASURE_AUTHOR, { action: 'tenant.erased', tenantId, targetId: tenantId, details: { ...rows, ...(eventId ? { eventId } : {}) } });
      return rows;
    });
    // The KMS key first (inside forgetTenant): once it is gone, no wrapped key left anywhere opens.
    await this.keyRing.forgetTenant(tenantId);
    await this.blindIndex.forgetTenant(tenantId);
    return erased;
  }
}
