// The inventory of one service as a whole, with the platform's tables added: checked when the
// service's code loads, so that an inconsistent declaration never starts.
import { INVENTORY_SLUG, TABLE_NAME, isPeriodRetention, type DataInventoryDeclaration } from './data-inventory.js';
import { PLATFORM_NON_PERSONAL_TABLES, PLATFORM_PERSONAL_DATA, PLATFORM_PROCESSING } from './platform-inventory.js';

/**
 * The service's inventory with the platform's tables, checked as a whole: every table once, every
 * purpose declared, every retention kind once, every `through` link to a store of the inventory.
 */
export function declareDataInventory(declaration: DataInventoryDeclaration): DataInventoryDeclaration {
  const fail = (why: string): never => {
    throw new Error(`data inventory of ${declaration.service}: ${why}`);
  };
  for (const store of declaration.personalData) {
    if (store.erasure?.action === 'destroy-keys') fail(`${store.table}: only the platform's key table is erased by destroying keys`);
  }
  for (const id of Object.keys(declaration.processing)) if (Object.hasOwn(PLATFORM_PROCESSING, id)) fail(`purpose "${id}" is the platform's`);
  const processing = { ...declaration.processing, ...PLATFORM_PROCESSING };
  const personalData = [...declaration.personalData, ...PLATFORM_PERSONAL_DATA];
  const noPersonalData = [...declaration.noPersonalData, ...PLATFORM_NON_PERSONAL_TABLES];

  const tables = [...personalData, ...noPersonalData].map(({ table }) => table);
  const twice = tables.filter((table, i) => tables.indexOf(table) !== i);
  if (twice.length > 0) fail(`tables declared twice: ${[...new Set(twice)].join(', ')}`);
  for (const { table } of noPersonalData) if (!TABLE_NAME.test(table)) fail(`invalid table name "${table}"`);
  for (const { table, reason } of noPersonalData) if (!reason) fail(`${table}: a table without personal data says why`);
  for (const id of Object.keys(processing)) if (!INVENTORY_SLUG.test(id)) fail(`purpose "${id}" is not a slug`);
  for (const store of personalData) {
    for (const purpose of store.purposes) if (!Object.hasOwn(processing, purpose)) fail(`${store.table}: undeclared purpose "${purpose}"`);
    if (store.subject.type === 'through') {
      const { table } = store.subject;
      const parent = personalData.find((candidate) => candidate.table === table);
      if (parent?.subject.type !== 'column') fail(`${store.table}: its subject is reached through ${table}, which must be a store with a subject column`);
    }
  }
  const kinds = personalData.flatMap(({ retention }) => (isPeriodRetention(retention) ? [retention.kind] : []));
  const kindTwice = kinds.filter((kind, i) => kinds.indexOf(kind) !== i);
  if (kindTwice.length > 0) fail(`retention kinds declared twice: ${kindTwice.join(', ')}`);
  return Object.freeze({ service: declaration.service, processing: Object.freeze(processing), personalData: Object.freeze(personalData), noPersonalData: Object.freeze(noPersonalData) });
}
