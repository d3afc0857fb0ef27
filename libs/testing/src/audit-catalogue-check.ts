// The check the e2e suite makes last, over what every platform of it audited (audit-collection.ts):
// every entry a service wrote to its outbox is in the audit log of its platform exactly once; the
// logs hold every action of the catalogue but the few the suite is known not to produce; and no
// entry holds a canary or anything shaped like personal data. Pure, so that a test can show each
// finding fire on a planted fault.
import type { AuditCollection } from './audit-collection.js';
import { findLeaks, personalDataShapes, type Canaries } from './canaries.js';

export interface AuditCatalogueRules {
  /** Every action of the catalogue. */
  actions: readonly string[];
  /** Actions the suite does not produce, each with the reason. */
  notProduced: Readonly<Record<string, string>>;
  canaries: Canaries;
}

export interface MissingEntry {
  platform: string;
  spec: string | null;
  database: string;
  id: string;
  action: string;
  /** Whether the outbox relay had published it to stream AUDIT. */
  published: boolean;
}

export interface AuditCatalogueFindings {
  /** Platforms whose outboxes were checked against their log (their audit service ran to the end). */
  counted: string[];
  /** Entries of a counted platform's outboxes that its log does not hold. */
  missing: MissingEntry[];
  /** Entries held more than once by one platform's logs (its tenants' and its own). */
  duplicated: Array<{ platform: string; id: string; times: number }>;
  /** Actions of the catalogue that no log holds and that are not known to be left out. */
  uncovered: string[];
  /** Actions said not to be produced that a log holds all the same: the list is out of date. */
  excusedButLogged: string[];
  /** Entries (in an outbox or a log) whose text holds a canary or the shape of personal data. */
  leaks: Array<{ platform: string; where: string; id: string; found: string[] }>;
}

function missingFrom(collection: AuditCollection): MissingEntry[] {
  const logged = new Set(collection.log.map((row) => row.id));
  return collection.outbox
    .filter((row) => !logged.has(row.id))
    .map(({ database, id, action, published }) => ({ platform: collection.platform, spec: collection.spec, database, id, action, published }));
}

function duplicatesIn(collection: AuditCollection): AuditCatalogueFindings['duplicated'] {
  const times = new Map<string, number>();
  for (const row of collection.log) times.set(row.id, (times.get(row.id) ?? 0) + 1);
  return [...times].filter(([, n]) => n > 1).map(([id, n]) => ({ platform: collection.platform, id, times: n }));
}

function leaksIn(collection: AuditCollection, canaries: Canaries): AuditCatalogueFindings['leaks'] {
  const texts = [
    ...collection.outbox.map((row) => ({ where: `outbox of ${row.database}`, id: row.id, text: row.text })),
    ...collection.log.map((row) => ({ where: `log ${row.tenantId} #${row.index}`, id: row.id, text: row.text })),
  ];
  return texts.flatMap(({ where, id, text }) => {
    const found = [...findLeaks(text, canaries).map((key) => `canary ${key}`), ...personalDataShapes(text)];
    return found.length > 0 ? [{ platform: collection.platform, where, id, found }] : [];
  });
}

export function checkAuditCollections(collections: readonly AuditCollection[], rules: AuditCatalogueRules): AuditCatalogueFindings {
  const counted = collections.filter((collection) => collection.auditRunning);
  const logged = new Set(collections.flatMap((collection) => collection.log.map((row) => row.action)));
  return {
    counted: counted.map((collection) => collection.platform),
    missing: counted.flatMap(missingFrom),
    duplicated: collections.flatMap(duplicatesIn),
    uncovered: rules.actions.filter((action) => !logged.has(action) && !(action in rules.notProduced)),
    excusedButLogged: Object.keys(rules.notProduced).filter((action) => logged.has(action)),
    leaks: collections.flatMap((collection) => leaksIn(collection, rules.canaries)),
  };
}
