// The audit log of the whole e2e suite, checked last (the e2e configuration's sequencer runs this
// file after every other). Each platform the suite started kept, as it stopped and before its
// databases were dropped, every audit entry its services wrote to their outboxes and every row of
// its audit log (PlatformProcesses, libs/testing/src/audit-collection.ts). Checked as a whole:
// (i) every entry of an outbox is in the log of its platform, exactly once. Counted: the platforms
//     whose audit service was running when their processes were stopped, once its log had caught
//     up (given 20 s). A spec that never starts the audit service, or stops it for good, leaves its
//     entries waiting in stream AUDIT, where nobody could expect them in the log; an audit service
//     stopped and started again within the spec must still have appended everything.
// (ii) the logs of the suite hold every action of the catalogue (AUDIT_ACTIONS of libs/contracts),
//     but those of NOT_PRODUCED, each with why; checked when the run is the whole suite only.
// (iii) no entry, in an outbox or in a log, holds any form of the canaries every spec plants (the
//     suite's, from its global setup), nor anything shaped like an email, a phone number or an IBAN.
// A positive control shows each finding fire on the same data with a fault planted in it.
import { join } from 'node:path';
import { AUDIT_ACTION_NAMES } from '@gardien/contracts';
import {
  REPO_ROOT,
  auditCollectionDir,
  checkAuditCollections,
  e2eRunScope,
  readAuditCollections,
  suiteCanaries,
  type AuditCatalogueRules,
  type AuditCollection,
} from '@gardien/testing';

/** Actions of the catalogue that no spec produces, each with the reason. Keep it short: a cheap action gets a test step. */
const NOT_PRODUCED: Readonly<Record<string, string>> = {};

/** Specs whose platforms audit something and run the audit service to the end: if one stopped counting, (i) would check less without saying so. */
const COUNTED_SPECS = ['audit', 'hostile-input', 'identity', 'llm-gateway', 'reflected-requests', 'tenant-isolation'].map((name) => `test/e2e/${name}.e2e-spec.ts`);

const scope = e2eRunScope(join(REPO_ROOT, 'test', 'e2e'));
const rules: AuditCatalogueRules = { actions: AUDIT_ACTION_NAMES, notProduced: NOT_PRODUCED, canaries: suiteCanaries() };
let collections: AuditCollection[] = [];

beforeAll(() => {
  const dir = auditCollectionDir();
  if (!dir) throw new Error('no folder of audit collections: run this spec with jest.e2e.config.js, whose global setup makes it');
  collections = readAuditCollections(dir);
});

test('every platform of the suite kept what it audited; those whose audit service ran to the end are counted', () => {
  const counted = collections.filter((collection) => collection.auditRunning);
  const summary = collections.map(({ spec, auditRunning, settledMs, outbox, log }) => ({ spec, auditRunning, settledMs, outbox: outbox.length, log: log.length }));
  if (scope.whole) {
    expect(counted.map((collection) => collection.spec)).toEqual(expect.arrayContaining(COUNTED_SPECS));
    expect(counted.reduce((sum, collection) => sum + collection.log.length, 0)).toBeGreaterThan(100);
  }
  // What was kept, for whoever reads a failure below.
  console.info(JSON.stringify({ scope, platforms: summary }));
});

test('(i) every entry a service wrote to its outbox is in the audit log of its platform, exactly once', () => {
  const { missing, duplicated } = checkAuditCollections(collections, rules);
  expect({ missing, duplicated }).toEqual({ missing: [], duplicated: [] });
});

(scope.whole ? test : test.skip)('(ii) the logs of the suite hold every action of the catalogue but those known not to be produced', () => {
  const { uncovered, excusedButLogged } = checkAuditCollections(collections, rules);
  expect({ uncovered, excusedButLogged }).toEqual({ uncovered: [], excusedButLogged: [] });
});

test('(iii) no entry holds a canary of the suite, nor an email, a phone number or an IBAN', () => {
  expect(checkAuditCollections(collections, rules).leaks).toEqual([]);
});

test('positive control: on the same data, a planted entry missing from the log, a duplicate, a lost action and a canary are each found', () => {
  const counted = collections.find((collection) => collection.auditRunning && collection.log.length > 0 && collection.outbox.length > 0);
  if (!counted) {
    expect(scope.whole).toBe(false);
    return;
  }
  const row = counted.log[0]!;
  const planted = { ...counted.outbox[0]!, id: '5b0a3c1e-0000-4000-8000-00000000c0de', text: counted.outbox[0]!.text.replace(/\}$/, `, "note": ${JSON.stringify(rules.canaries.iban)}}`) };
  const faulty = collections.map((collection) =>
    collection === counted ? { ...collection, outbox: [...collection.outbox, planted], log: [...collection.log, { ...row, index: collection.log.length }] } : collection,
  );
  const withoutLost = collections.map((collection) => ({ ...collection, log: collection.log.filter((entry) => entry.action !== row.action) }));
  const findings = checkAuditCollections(faulty, rules);
  expect(findings.missing.map((entry) => entry.id)).toContain(planted.id);
  expect(findings.duplicated).toContainEqual({ platform: counted.platform, id: row.id, times: 2 });
  expect(findings.leaks).toContainEqual(expect.objectContaining({ id: planted.id, found: expect.arrayContaining(['canary iban', expect.stringMatching(/^iban: /)]) }));
  expect(checkAuditCollections(withoutLost, rules).uncovered).toContain(row.action);
});
