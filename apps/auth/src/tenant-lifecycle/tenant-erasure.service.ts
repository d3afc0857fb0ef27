// Erasing a tenant in the auth service (design rule 5): its accounts, sessions, refresh tokens,
// API keys and retention settings are deleted, then its keys are destroyed (the tenant's KMS key,
// its subject keys and its blind-index key), after which nothing sealed for the tenant, in this
// database or in its backups, can be opened again. Asked by the tenant service's `tenant.deleted`
// event, which may arrive more than once: running it again finds nothing and destroys again.
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BlindIndex, SubjectKeyRing } from '@gardien/crypto';
import { PLATFORM_TENANT_ID, Uuid, parsePayload } from '@gardien/contracts';
import { withTenant } from '@gardien/persistence';
import { authAudit } from '../auth.audit.js';
import { AuthReason, authError } from '../auth.errors.js';
import { TenantErasureRepository, type ErasedRows } from './tenant-erasure.repository.js';

/** Asked by an event, not by anyone: auth itself acts. */
const ERASURE_AUTHOR = { system: 'auth' };

@Injectable()
export class TenantErasureService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: TenantErasureRepository,
    private readonly keyRing: SubjectKeyRing,
    private readonly blindIndex: BlindIndex,
  ) {}

  /**
   * Rows and their audit entry first, in one transaction; keys after it has committed (rule 6: no
   * key destroyed without its audit entry). A failure in between leaves keys and no rows: the
   * event comes back, deletes nothing, records that, and destroys the keys. `eventId` (a uuid,
   * the event's id) ties the audit entry to the event that asked for it.
   */
  async erase(requestedTenantId: string, eventId?: string): Promise<ErasedRows> {
    // Canonical, whatever case it came in: the rows would match any case, the key names only this one.
    const tenantId = parsePayload(Uuid, requestedTenantId, 'tenantId');
    if (tenantId === PLATFORM_TENANT_ID) throw authError(AuthReason.PlatformTenantNotErasable);
    const erased = await withTenant(this.dataSource, tenantId, async (manager) => {
      const rows = await this.repository.deleteAllOf(manager, tenantId);
      await authAudit.record(manager, ERASURE_AUTHOR, { action: 'tenant.erased', tenantId, targetId: tenantId, details: { ...rows, ...(eventId ? { eventId } : {}) } });
      return rows;
    });
    // The KMS key first (inside forgetTenant): once it is gone, no wrapped key left anywhere opens.
    await this.keyRing.forgetTenant(tenantId);
    await this.blindIndex.forgetTenant(tenantId);
    return erased;
  }
}
