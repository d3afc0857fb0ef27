// What a service holds on one subject of one tenant, read from the stores its inventory declares:
// every row of the subject, sealed columns opened, blind indexes and withheld columns left out,
// values as JSON. A sealed value whose key was destroyed (a row kept for an obligation after
// erasure) is exported as null and the table says so; one that does not decrypt fails the export.
import type { EntityManager } from 'typeorm';
import { CryptoError, CryptoErrorCode, type BlindIndex, type SubjectKeyRing } from '@gardien/crypto';
import { MAX_EXPORTED_ROWS, type ExportedTable } from '@gardien/contracts';
import { PersonalDataCodec } from '../personal-data/personal-data.js';
import type { DataInventoryDeclaration, LinkedStore } from './data-inventory.js';
import { SUBJECT_ALIAS, SubjectRows, type SubjectScope } from './subject-rows.js';

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export class SubjectExporter {
  private readonly rows: SubjectRows;
  private readonly codecs = new Map<string, PersonalDataCodec<string>>();

  constructor(
    private readonly inventory: DataInventoryDeclaration,
    private readonly keyRing: SubjectKeyRing,
    private readonly blindIndex: BlindIndex,
  ) {
    this.rows = new SubjectRows(inventory);
  }

  /** Inside the subject's tenant transaction: one entry per store that holds rows of the subject. */
  async tablesOf(manager: EntityManager, scope: SubjectScope): Promise<ExportedTable[]> {
    const tables: ExportedTable[] = [];
    for (const store of this.inventory.personalData) {
      if (store.subject.type === 'none') continue;
      const linked = store as LinkedStore;
      const found = await this.rows.select(manager, linked, scope, MAX_EXPORTED_ROWS + 1);
      if (found.length === 0) continue;
      let shredded = false;
      const rows: Array<Record<string, JsonValue>> = [];
      for (const row of found.slice(0, MAX_EXPORTED_ROWS)) {
        const exported = await this.exportRow(linked, scope.tenantId, row);
        shredded ||= exported.shredded;
        rows.push(exported.row);
      }
      tables.push({
        table: store.table,
        data_categories: [...store.dataCategories],
        purposes: [...store.purposes],
        rows,
        withheld_columns: Object.keys(store.withheld ?? {}),
        truncated: found.length > MAX_EXPORTED_ROWS,
        shredded,
      });
    }
    return tables;
  }

  private async exportRow(store: LinkedStore, tenant: string, row: Record<string, unknown>): Promise<{ row: Record<string, JsonValue>; shredded: boolean }> {
    const hidden = new Set([SUBJECT_ALIAS, ...Object.keys(store.blindIndexes ?? {}), ...Object.keys(store.withheld ?? {})]);
    const owner = { tenant, subject: String(row[SUBJECT_ALIAS]), recordId: String(row[store.recordId ?? 'id']) };
    const exported: Record<string, JsonValue> = {};
    let shredded = false;
    for (const [column, value] of Object.entries(row)) {
      if (hidden.has(column)) continue;
      if (!store.sealed.includes(column) || typeof value !== 'string') {
        exported[column] = toJson(value);
        continue;
      }
      try {
        exported[column] = (await this.codecOf(store).open(owner, { [column]: value }))[column] ?? null;
      } catch (error) {
        if (!(error instanceof CryptoError && error.code === CryptoErrorCode.SubjectErased)) throw error;
        exported[column] = null;
        shredded = true;
      }
    }
    return { row: exported, shredded };
  }

  private codecOf(store: LinkedStore): PersonalDataCodec<string> {
    let codec = this.codecs.get(store.table);
    if (!codec) {
      codec = new PersonalDataCodec(store, this.keyRing, this.blindIndex);
      this.codecs.set(store.table, codec);
    }
    return codec;
  }
}

/** A column's value as the pg driver answers it, as JSON: instants in ISO 8601, bytes in base64. */
function toJson(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toJson(item)]));
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value as string | number | boolean;
}
