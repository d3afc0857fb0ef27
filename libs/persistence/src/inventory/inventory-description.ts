// What a declared inventory says on the bus (gardien.v1.<service>.inventory), and the retention
// policies the purge job runs from it.
import type { DataInventory, PersonalDataStoreEntry } from '@gardien/contracts';
import type { RetentionPolicy } from '../retention/retention-policy.js';
import { isPeriodRetention, type DataInventoryDeclaration, type PersonalDataStore } from './data-inventory.js';

export function describeInventory(inventory: DataInventoryDeclaration): DataInventory {
  return {
    service: inventory.service,
    processing: Object.entries(inventory.processing).map(([id, activity]) => ({
      id,
      description: activity.description,
      legal_basis: activity.legalBasis,
      legal_basis_detail: activity.legalBasisDetail,
    })),
    personal_data: inventory.personalData.map(describeStore),
    no_personal_data: inventory.noPersonalData.map(({ table, reason }) => ({ table, reason })),
  };
}

function describeStore(store: PersonalDataStore): PersonalDataStoreEntry {
  const { retention } = store;
  return {
    table: store.table,
    description: store.description,
    subject: store.subject,
    tenant_column: store.tenantColumn,
    sealed: [...store.sealed],
    blind_indexes: Object.keys(store.blindIndexes ?? {}),
    withheld: Object.entries(store.withheld ?? {}).map(([column, reason]) => ({ column, reason })),
    data_categories: [...store.dataCategories],
    subject_categories: [...store.subjectCategories],
    purposes: [...store.purposes],
    retention: isPeriodRetention(retention)
      ? {
          type: 'period',
          kind: retention.kind,
          max_days: retention.maxDays,
          from: retention.from,
          justification: retention.justification,
          tenant_may_shorten: retention.tenantMayShorten,
        }
      : { type: 'until', until: retention.until, justification: retention.justification },
    recipients: [...store.recipients],
    erasure: store.erasure ?? null,
  };
}

/** The retention the purge job enforces: every store with a period. */
export function retentionPoliciesOf(inventory: DataInventoryDeclaration): RetentionPolicy[] {
  return inventory.personalData.flatMap((store) =>
    isPeriodRetention(store.retention)
      ? [
          {
            kind: store.retention.kind,
            table: store.table,
            timestampColumn: store.retention.from,
            maxDays: store.retention.maxDays,
            justification: store.retention.justification,
            tenantColumn: store.tenantColumn,
            tenantMayShorten: store.retention.tenantMayShorten,
            expiresAtColumn: store.retention.expiresAt ?? null,
            removedByService: store.retention.removedBy === 'service' ? { recordColumn: store.recordId! } : null,
          },
        ]
      : [],
  );
}
