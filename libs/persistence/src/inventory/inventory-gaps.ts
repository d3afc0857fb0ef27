// Compares a service's data inventory with its database as its migrations made it: every table
// accounted for, none declared that does not exist, no table that looks personal (a user_id, an
// email...) declared as holding no personal data, every declared column present, every purged
// table purgeable by the maintenance role, and blind indexes of rows kept at erasure clearable.
// Read from information_schema, so give it a connection that sees every table (the database's
// owner or the administrator: information_schema hides what a role has no privilege on).
import type { DataSource } from 'typeorm';
import { createServiceDataSource } from '../data-source.js';
import { isLinked, isPeriodRetention, type DataInventoryDeclaration, type PersonalDataStore } from './data-inventory.js';

export interface InventoryGaps {
  /** Tables of the database the inventory does not mention. */
  undeclared: string[];
  /** Tables the inventory mentions that the database does not have. */
  missing: string[];
  /** `table.column`: a column that says "person" in a table declared to hold no personal data. */
  personalInNonPersonal: string[];
  /** `table.column`: a column the inventory names that the table does not have. */
  unknownColumns: string[];
  /** Tables whose retention is purged but which the maintenance role may not read and delete. */
  notPurgeable: string[];
  /** `table.column`: a blind index of a store kept at erasure that cannot be cleared (NOT NULL). */
  uncleareableIndexes: string[];
}

export const NO_INVENTORY_GAPS: InventoryGaps = Object.freeze({
  undeclared: [],
  missing: [],
  personalInNonPersonal: [],
  unknownColumns: [],
  notPurgeable: [],
  uncleareableIndexes: [],
});

/**
 * Column names that mean a row is about a person: an id of a user, owner, subject, member, patient,
 * client...; an email, phone, name of a person, birth date, address, IBAN, national number.
 */
export const SUBJECT_LIKE_COLUMN =
  /(^|_)(user|owner|subject|person|member|employee|patient|client|customer|account|author|actor)_id$|email|phone|(^|_)(first|last|full|given|family|display|user)_?name$|birth|(^|_)(ip|ip_address|address)$|iban|(^|_)nir$/;

interface Column {
  table: string;
  column: string;
  nullable: boolean;
}

export async function inventoryGaps(dataSource: DataSource, inventory: DataInventoryDeclaration): Promise<InventoryGaps> {
  const columns = await databaseColumns(dataSource);
  const tables = new Set(columns.map(({ table }) => table));
  const declared = new Map<string, PersonalDataStore | null>([
    ...inventory.personalData.map((store) => [store.table, store] as const),
    ...inventory.noPersonalData.map(({ table }) => [table, null] as const),
  ]);
  const inTable = (table: string) => columns.filter((column) => column.table === table);
  const gaps: InventoryGaps = {
    undeclared: [...tables].filter((table) => !declared.has(table)).sort(),
    missing: [...declared.keys()].filter((table) => !tables.has(table)).sort(),
    personalInNonPersonal: inventory.noPersonalData
      .flatMap(({ table }) => inTable(table).filter(({ column }) => SUBJECT_LIKE_COLUMN.test(column)))
      .map(({ table, column }) => `${table}.${column}`)
      .sort(),
    unknownColumns: [],
    notPurgeable: [],
    uncleareableIndexes: [],
  };
  for (const store of inventory.personalData) {
    if (!tables.has(store.table)) continue;
    const present = new Map(inTable(store.table).map((column) => [column.column, column]));
    for (const column of namedColumns(store)) if (!present.has(column)) gaps.unknownColumns.push(`${store.table}.${column}`);
    if (store.subject.type === 'through') {
      const { table, references } = store.subject;
      if (!inTable(table).some(({ column }) => column === references)) gaps.unknownColumns.push(`${table}.${references}`);
    }
    if (isPeriodRetention(store.retention) && !(await maintenanceMayPurge(dataSource, store.table))) gaps.notPurgeable.push(store.table);
    if (isLinked(store) && store.erasure.action === 'keep') {
      for (const index of Object.keys(store.blindIndexes ?? {})) if (present.get(index)?.nullable === false) gaps.uncleareableIndexes.push(`${store.table}.${index}`);
    }
  }
  gaps.unknownColumns.sort();
  return gaps;
}

/** For tests and tools that hold the administrator's URL: the gaps of `inventory` in the database named `database`. */
export async function inventoryGapsIn(adminUrl: string, database: string, inventory: DataInventoryDeclaration): Promise<InventoryGaps> {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const administrator = createServiceDataSource({ url: url.toString(), applicationName: 'gardien-inventory-check', poolSize: 1 });
  await administrator.initialize();
  try {
    return await inventoryGaps(administrator, inventory);
  } finally {
    await administrator.destroy();
  }
}

/** Every column a store's declaration names, in its own table. */
function namedColumns(store: PersonalDataStore): string[] {
  const link = store.subject.type === 'none' ? [] : [store.subject.column];
  return [
    ...link,
    ...(store.tenantColumn ? [store.tenantColumn] : []),
    ...(store.recordId ? [store.recordId] : []),
    ...store.sealed,
    ...Object.keys(store.blindIndexes ?? {}),
    ...Object.keys(store.withheld ?? {}),
    ...(isPeriodRetention(store.retention) ? [store.retention.from, ...(store.retention.expiresAt ? [store.retention.expiresAt] : [])] : []),
  ];
}

/** Tables (and views) of every schema but the system's, as `table` or `schema.table` outside public. */
async function databaseColumns(dataSource: DataSource): Promise<Column[]> {
  const rows: Array<{ table_schema: string; table_name: string; column_name: string; is_nullable: string }> = await dataSource.query(
    `SELECT c.table_schema, c.table_name, c.column_name, c.is_nullable
       FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE t.table_type IN ('BASE TABLE', 'VIEW') AND c.table_schema NOT IN ('pg_catalog', 'information_schema') AND c.table_schema NOT LIKE 'pg\\_%'
      ORDER BY c.table_schema, c.table_name, c.ordinal_position`,
  );
  return rows.map((row) => ({
    table: row.table_schema === 'public' ? row.table_name : `${row.table_schema}.${row.table_name}`,
    column: row.column_name,
    nullable: row.is_nullable === 'YES',
  }));
}

async function maintenanceMayPurge(dataSource: DataSource, table: string): Promise<boolean> {
  const [row]: Array<{ allowed: boolean }> = await dataSource.query(
    `SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_database() || '_maint')
            THEN has_table_privilege(current_database() || '_maint', $1, 'SELECT') AND has_table_privilege(current_database() || '_maint', $1, 'DELETE')
            ELSE false END AS allowed`,
    [table],
  );
  return row?.allowed === true;
}
