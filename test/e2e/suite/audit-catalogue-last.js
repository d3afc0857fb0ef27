// The order of the e2e suite: jest's own (failed and slow files first), but the audit catalogue
// check (zz-audit-catalogue.e2e-spec.ts) last, since it reads what every other spec's platforms
// audited. It also tells that spec which files the run holds (E2E_SPECS_VARIABLE of libs/testing,
// read by e2eRunScope): a run of a few files cannot produce every action of the catalogue.
import { basename } from 'node:path';
import sequencer from '@jest/test-sequencer';

const Sequencer = sequencer.default ?? sequencer;
const LAST = 'zz-audit-catalogue.e2e-spec.ts';

export default class AuditCatalogueLast extends Sequencer {
  async sort(tests) {
    const sorted = [...(await super.sort(tests))];
    process.env.GARDIEN_TEST_E2E_SPECS = JSON.stringify(sorted.map((test) => basename(test.path)));
    const isLast = (test) => basename(test.path) === LAST;
    return [...sorted.filter((test) => !isLast(test)), ...sorted.filter(isLast)];
  }
}
