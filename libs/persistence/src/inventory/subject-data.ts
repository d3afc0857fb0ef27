// The subject operations of a service, driven by its data inventory: export (art. 15, 20), erasure
// (art. 17) and restriction (art. 18) of one subject of one tenant. Each runs in that tenant's
// transaction and records its audit entry there (ids and counts only). Erasure deletes the rows
// (or keeps them, blind indexes cleared, where an obligation is declared), then, once that has
// committed with its entry, destroys the subject's data keys, named as the database names them:
// a failure in between leaves keys without rows, which the next erasure finds and destroys.
import type { DataSource, EntityManager } from 'typeorm';
import type { BlindIndex, SubjectKeyRing } from '@gardien/crypto';
import type { Caller, ErasedTable, SubjectErasure, SubjectExport, SubjectRestriction } from '@gardien/contracts';
import { AuditRecorder } from '../audit/audit-recorder.js';
import { withTenant } from '../tenant-context.js';
import { isLinked, type DataInventoryDeclaration, type LinkedStore } from './data-inventory.js';
import { SubjectExporter } from './subject-export.js';
import { SubjectRestrictions } from './subject-restrictions.js';
import { SubjectRows, type SubjectScope } from './subject-rows.js';

/** Who asked, as the audit entries record it. */
export interface SubjectOperationContext {
  /** The verified caller (the rights pipeline, in its own name). */
  caller: Caller;
  /** The data-subject request being executed, when the pipeline names it. */
  rightsRequestId: string | null;
}

type SubjectAction = 'subject.exported' | 'subject.erased' | 'subject.restricted' | 'subject.restriction-lifted';

export interface SubjectDataDependencies {
  dataSource: DataSource;
  inventory: DataInventoryDeclaration;
  keyRing: SubjectKeyRing;
  blindIndex: BlindIndex;
}

/** What a service's subject operations do: the platform's default implementation follows the inventory. */
export interface SubjectDataOperations {
  export(scope: SubjectScope, context: SubjectOperationContext): Promise<SubjectExport>;
  erase(scope: SubjectScope, context: SubjectOperationContext): Promise<SubjectErasure>;
  restrict(scope: SubjectScope, restricted: boolean, context: SubjectOperationContext): Promise<SubjectRestriction>;
}

export class DeclaredSubjectData implements SubjectDataOperations {
  private readonly service: string;
  private readonly rows: SubjectRows;
  private readonly exporter: SubjectExporter;
  private readonly restrictions: SubjectRestrictions;

  constructor(private readonly deps: SubjectDataDependencies) {
    this.service = deps.inventory.service;
    this.rows = new SubjectRows(deps.inventory);
    this.exporter = new SubjectExporter(deps.inventory, deps.keyRing, deps.blindIndex);
    this.restrictions = new SubjectRestrictions(deps.dataSource);
  }

  async export(scope: SubjectScope, context: SubjectOperationContext): Promise<SubjectExport> {
    const tables = await withTenant(this.deps.dataSource, scope.tenantId, async (manager) => {
      const found = await this.exporter.tablesOf(manager, scope);
      await this.audit(manager, 'subject.exported', scope, context, Object.fromEntries(found.map((table) => [detailKey(table.table), table.rows.length])));
      return found;
    });
    return { service: this.service, tenant_id: scope.tenantId, subject_id: scope.subjectId, tables };
  }

  async erase(scope: SubjectScope, context: SubjectOperationContext): Promise<SubjectErasure> {
    const { tables, keyOwners, changed } = await withTenant(this.deps.dataSource, scope.tenantId, async (manager) => {
      const erased: ErasedTable[] = [];
      const owners = [scope.subjectId];
      let rowsChanged = 0;
      for (const store of erasureOrder(this.deps.inventory)) {
        if (store.erasure.action === 'destroy-keys') continue;
        if (store.erasure.action === 'delete') {
          const subjects = await this.rows.delete(manager, store, scope);
          owners.push(...subjects);
          rowsChanged += subjects.length;
          erased.push({ table: store.table, deleted: subjects.length, kept: 0 });
        } else {
          rowsChanged += await this.rows.clearBlindIndexes(manager, store, scope);
          erased.push({ table: store.table, deleted: 0, kept: await this.rows.count(manager, store, scope) });
        }
      }
      // Read back from the key table: the exact strings the key ring named the keys by.
      const withKeys = await this.rows.subjectsWithKeys(manager, scope.tenantId, owners);
      const anything = rowsChanged > 0 || withKeys.length > 0;
      if (anything) {
        const counts = Object.fromEntries(erased.flatMap(({ table, deleted, kept }) => [[detailKey(table), deleted], ...(kept > 0 ? [[`${detailKey(table)}Kept`, kept]] : [])]));
        await this.audit(manager, 'subject.erased', scope, context, { ...counts, keys: withKeys.length });
      }
      return { tables: erased, keyOwners: withKeys, changed: anything };
    });
    for (const subject of keyOwners) await this.deps.keyRing.forgetSubject(scope.tenantId, subject);
    return { service: this.service, tenant_id: scope.tenantId, subject_id: scope.subjectId, changed, tables, keys_destroyed: keyOwners.length };
  }

  async restrict(scope: SubjectScope, restricted: boolean, context: SubjectOperationContext): Promise<SubjectRestriction> {
    const changed = await withTenant(this.deps.dataSource, scope.tenantId, async (manager) => {
      const done = restricted ? await this.restrictions.restrict(manager, scope, context.rightsRequestId) : await this.restrictions.lift(manager, scope);
      if (done) await this.audit(manager, restricted ? 'subject.restricted' : 'subject.restriction-lifted', scope, context, {});
      return done;
    });
    return { service: this.service, tenant_id: scope.tenantId, subject_id: scope.subjectId, restricted, changed };
  }

  private async audit(manager: EntityManager, action: SubjectAction, scope: SubjectScope, context: SubjectOperationContext, counts: Record<string, number>): Promise<void> {
    await new AuditRecorder(this.service).record(manager, context.caller, {
      action,
      tenantId: scope.tenantId,
      targetId: scope.subjectId,
      details: { ...counts, ...(context.rightsRequestId ? { rightsRequestId: context.rightsRequestId } : {}) },
    });
  }
}

/** Stores reached through another first (their rows reference the other's), then the others as declared. */
function erasureOrder(inventory: DataInventoryDeclaration): LinkedStore[] {
  const linked = inventory.personalData.filter(isLinked);
  return [...linked.filter((store) => store.subject.type === 'through'), ...linked.filter((store) => store.subject.type === 'column')];
}

/** An audit detail key for a table: `auth_refresh_tokens` -> `authRefreshTokens` (detail keys are letters only). */
function detailKey(table: string): string {
  const words = table.split(/[^a-z]+/).filter(Boolean);
  return words.map((word, i) => (i === 0 ? word : word[0]!.toUpperCase() + word.slice(1))).join('');
}
