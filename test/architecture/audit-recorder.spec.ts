// Audit entries have one way out: libs/persistence's AuditRecorder, which builds every one the
// same way. No other product code names an audit subject or builds an AuditEntry itself (the
// contracts define them; bus permissions name the subjects each service may publish).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, productSources } from './product-sources.js';

const RECORDER = 'libs/persistence/src/audit/audit-recorder.ts';
/** Where audit subjects and entries are defined, not written. */
const DEFINITIONS = new Set(['libs/contracts/src/subjects.ts', 'libs/contracts/src/schemas/audit.ts', 'libs/contracts/src/bus-permissions.ts']);
/** Where received entries are read: the audit service checks each against the subject it came on. */
const READERS = new Set(['apps/audit/src/intake/audit-entry-intake.ts']);
const WRITES = /\bauditSubject\(|['"`]gardien\.audit\.|\bAuditEntry\.parse\(|parsePayload\(\s*AuditEntry\b/;

function writersOf(files: readonly string[], read: (file: string) => string): string[] {
  return files.filter((file) => file !== RECORDER && !DEFINITIONS.has(file) && !READERS.has(file) && WRITES.test(read(file)));
}

const files = productSources();

test('only the recorder writes audit entries', () => {
  expect(files).toContain(RECORDER);
  expect(writersOf(files, (file) => readFileSync(join(ROOT, file), 'utf8'))).toEqual([]);
});

test('the check finds a service that would write an entry of its own', () => {
  const sneaky = 'apps/tenant/src/tenants/sneaky-audit.ts';
  const source = "await appendToOutbox(manager, { subject: auditSubject('tenant', 'tenant.created'), payload });";
  expect(writersOf([sneaky, RECORDER], (file) => (file === sneaky ? source : readFileSync(join(ROOT, file), 'utf8')))).toEqual([sneaky]);
});
