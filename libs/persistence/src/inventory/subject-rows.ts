// The queries of the subject operations, built from a store's declaration: a subject's rows of one
// store (through its parent store when its link goes through one), deleted, counted, their blind
// indexes cleared, and the subject keys left to destroy. Every statement names the tenant as well
// as the subject, and runs in that tenant's transaction (row-level security): a subject of another
// tenant is never reached, even by a subject id that exists there.
import type { EntityManager } from 'typeorm';
import { quoteIdent, quoteTable } from '../sql.js';
import type { DataInventoryDeclaration, LinkedStore } from './data-inventory.js';

export interface SubjectScope {
  tenantId: string;
  subjectId: string;
}

/** Alias of the subject id column added to exported rows (the sealed values' subject), removed before export. */
export const SUBJECT_ALIAS = 'gardien__subject';

interface RowsSource {
  /** `FROM ... WHERE ...` of the subject's rows, `t` being the store's table. */
  fromWhere: string;
  /** The subject id column, as text. */
  subject: string;
  /** Extra tables of a DELETE or UPDATE (`USING` / `FROM`), and the join condition. */
  join?: { table: string; on: string };
  where: string;
}

function sourceOf(inventory: DataInventoryDeclaration, store: LinkedStore): RowsSource {
  const table = quoteTable(store.table);
  const tenant = `t.${quoteIdent(store.tenantColumn)}`;
  if (store.subject.type === 'column') {
    const where = `${tenant} = $1 AND t.${quoteIdent(store.subject.column)} = $2`;
    return { fromWhere: `FROM ${table} t WHERE ${where}`, subject: `t.${quoteIdent(store.subject.column)}::text`, where };
  }
  const { column, table: parentTable, references } = store.subject;
  const parent = inventory.personalData.find((candidate) => candidate.table === parentTable) as LinkedStore | undefined;
  if (parent?.subject.type !== 'column') throw new Error(`${store.table}: its parent ${parentTable} has no subject column`);
  const on = `p.${quoteIdent(references)} = t.${quoteIdent(column)}`;
  const where = `${tenant} = $1 AND p.${quoteIdent(parent.tenantColumn)} = $1 AND p.${quoteIdent(parent.subject.column)} = $2`;
  return {
    fromWhere: `FROM ${table} t JOIN ${quoteTable(parentTable)} p ON ${on} WHERE ${where}`,
    subject: `p.${quoteIdent(parent.subject.column)}::text`,
    join: { table: `${quoteTable(parentTable)} p`, on },
    where,
  };
}

function parameters(scope: SubjectScope): unknown[] {
  return [scope.tenantId, scope.subjectId];
}

/** Rows of TypeORM's answer to a DELETE or UPDATE ... RETURNING ([rows, count]). */
function returned<T>(result: unknown): T[] {
  return (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as T[];
}

export class SubjectRows {
  constructor(private readonly inventory: DataInventoryDeclaration) {}

  /** At most `limit` rows of the subject in the store, every column, with the subject id as SUBJECT_ALIAS. */
  async select(manager: EntityManager, store: LinkedStore, scope: SubjectScope, limit: number): Promise<Array<Record<string, unknown>>> {
    const source = sourceOf(this.inventory, store);
    return manager.query(`SELECT t.*, ${source.subject} AS ${SUBJECT_ALIAS} ${source.fromWhere} LIMIT $3`, [...parameters(scope), limit]);
  }

  async count(manager: EntityManager, store: LinkedStore, scope: SubjectScope): Promise<number> {
    const [row]: Array<{ n: number }> = await manager.query(`SELECT count(*)::int AS n ${sourceOf(this.inventory, store).fromWhere}`, parameters(scope));
    return row?.n ?? 0;
  }

  /** Deletes the subject's rows; answers the subject ids as stored, for the keys to destroy. */
  async delete(manager: EntityManager, store: LinkedStore, scope: SubjectScope): Promise<string[]> {
    const source = sourceOf(this.inventory, store);
    const using = source.join ? ` USING ${source.join.table}` : '';
    const on = source.join ? `${source.join.on} AND ` : '';
    const rows = returned<{ subject: string }>(
      await manager.query(`DELETE FROM ${quoteTable(store.table)} t${using} WHERE ${on}${source.where} RETURNING ${source.subject} AS subject`, parameters(scope)),
    );
    return rows.map((row) => row.subject);
  }

  /** Clears the blind indexes of the subject's kept rows (they would still find them by a clear value); answers how many rows changed. */
  async clearBlindIndexes(manager: EntityManager, store: LinkedStore, scope: SubjectScope): Promise<number> {
    const indexes = Object.keys(store.blindIndexes ?? {}).map(quoteIdent);
    if (indexes.length === 0) return 0;
    const source = sourceOf(this.inventory, store);
    const from = source.join ? ` FROM ${source.join.table}` : '';
    const on = source.join ? `${source.join.on} AND ` : '';
    const rows = returned<unknown>(
      await manager.query(
        `UPDATE ${quoteTable(store.table)} t SET ${indexes.map((column) => `${column} = NULL`).join(', ')}${from}
          WHERE ${on}${source.where} AND (${indexes.map((column) => `t.${column} IS NOT NULL`).join(' OR ')}) RETURNING 1`,
        parameters(scope),
      ),
    );
    return rows.length;
  }

  /** The subjects among `subjects` that still have a data key in this tenant, as the key table names them. */
  async subjectsWithKeys(manager: EntityManager, tenantId: string, subjects: readonly string[]): Promise<string[]> {
    const rows: Array<{ subject_id: string }> = await manager.query(
      'SELECT subject_id FROM gardien_keys.subject_keys WHERE tenant_id = $1 AND subject_id = ANY($2::text[]) ORDER BY subject_id',
      [tenantId, [...new Set(subjects)]],
    );
    return rows.map((row) => row.subject_id);
  }
}
