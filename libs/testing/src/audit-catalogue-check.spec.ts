import { checkAuditCollections, type AuditCatalogueRules } from './audit-catalogue-check.js';
import type { AuditCollection, LoggedAuditRow, OutboxAuditRow } from './audit-collection.js';
import { makeCanaries, personalDataShapes } from './canaries.js';

const canaries = makeCanaries();
const rules: AuditCatalogueRules = { actions: ['user.created', 'login.succeeded', 'tenant.suspended'], notProduced: { 'tenant.suspended': 'not yet' }, canaries };
const TENANT = '7f1d1e6e-5a7b-4a8e-9a51-0d1f6f2b9c11';

function entry(id: string, action: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ id, occurredAt: '2026-12-03T07:19:46.123Z', service: 'auth', action, tenantId: TENANT, actor: { type: 'user', id: '018e4c2a-1b2c-7d3e-8f90-123456789012' }, details: { durationMs: 12 }, ...extra });
}

function outboxRow(id: string, action: string, text = entry(id, action)): OutboxAuditRow {
  return { database: 'test_x_auth', id, action, published: true, text };
}

function logRow(index: number, id: string, action: string, text = entry(id, action)): LoggedAuditRow {
  return { tenantId: TENANT, index, id, action, text };
}

function platform(outbox: OutboxAuditRow[], log: LoggedAuditRow[], auditRunning = true): AuditCollection {
  return { platform: 'test_x', spec: 'test/e2e/x.e2e-spec.ts', auditRunning, settledMs: 10, outbox, log };
}

const sound = () => platform([outboxRow('a1', 'user.created'), outboxRow('a2', 'login.succeeded')], [logRow(0, 'a1', 'user.created'), logRow(1, 'a2', 'login.succeeded')]);

describe('checkAuditCollections', () => {
  test('a platform whose log holds its outboxes once each, with ids and codes only, has no finding', () => {
    expect(checkAuditCollections([sound()], rules)).toEqual({ counted: ['test_x'], missing: [], duplicated: [], uncovered: [], excusedButLogged: [], leaks: [] });
  });

  test('an entry of an outbox that the log lacks is missing, where the audit service ran to the end only', () => {
    const collection = sound();
    collection.outbox.push(outboxRow('a3', 'user.created'));
    expect(checkAuditCollections([collection], rules).missing).toEqual([{ platform: 'test_x', spec: 'test/e2e/x.e2e-spec.ts', database: 'test_x_auth', id: 'a3', action: 'user.created', published: true }]);
    expect(checkAuditCollections([{ ...collection, auditRunning: false }], rules)).toMatchObject({ counted: [], missing: [] });
  });

  test('an entry twice in the logs of one platform is duplicated', () => {
    const collection = sound();
    collection.log.push({ ...logRow(2, 'a1', 'user.created'), tenantId: '00000000-0000-0000-0000-000000000000' });
    expect(checkAuditCollections([collection], rules).duplicated).toEqual([{ platform: 'test_x', id: 'a1', times: 2 }]);
  });

  test('an action no log holds is uncovered unless excused, and an excuse for a logged action is out of date', () => {
    const collection = sound();
    collection.log = collection.log.filter((row) => row.action !== 'login.succeeded');
    expect(checkAuditCollections([collection], rules).uncovered).toEqual(['login.succeeded']);
    // In an outbox only is not in the log.
    expect(checkAuditCollections([collection], { ...rules, notProduced: {} }).uncovered).toEqual(['login.succeeded', 'tenant.suspended']);
    collection.log.push(logRow(3, 'a4', 'tenant.suspended'));
    expect(checkAuditCollections([collection], rules).excusedButLogged).toEqual(['tenant.suspended']);
  });

  test.each(Object.keys(canaries) as Array<keyof typeof canaries>)('a canary %s in an entry, in any of its forms, is a leak, in the outbox and in the log', (key) => {
    const collection = sound();
    const text = entry('a5', 'user.created', { details: { note: encodeURIComponent(canaries[key]) } });
    collection.outbox.push(outboxRow('a5', 'user.created', text));
    collection.log.push(logRow(2, 'a5', 'user.created', text));
    const leaks = checkAuditCollections([collection], rules).leaks;
    expect(leaks.map(({ where, id }) => [where, id])).toEqual([
      ['outbox of test_x_auth', 'a5'],
      [`log ${TENANT} #2`, 'a5'],
    ]);
    expect(leaks[0]!.found).toContain(`canary ${key}`);
  });
});

describe('personalDataShapes', () => {
  test('finds an email, a French or international phone number and an IBAN, written in the usual ways', () => {
    for (const [text, kind] of [
      ['to jeanne.dupont@exemple.fr', 'email'],
      ['"+33 6 12 34 56 78"', 'phone'],
      ['"06.12.34.56.78"', 'phone'],
      ['"0612345678"', 'phone'],
      ['"+4915112345678"', 'phone'],
      ['"FR76 3000 6000 0112 3456 7890 189"', 'iban'],
      ['"DE89370400440532013000"', 'iban'],
    ] as const) {
      expect([text, personalDataShapes(text).map((found) => found.split(':')[0])]).toEqual([text, [kind]]);
    }
  });

  test("finds the canaries' email, phone and IBAN, as written and without their spaces", () => {
    for (let run = 0; run < 50; run++) {
      const { email, phone, iban } = makeCanaries();
      for (const value of [email, phone, iban, phone.replaceAll(' ', ''), iban.replaceAll(' ', '')]) expect([value, personalDataShapes(`"${value}"`)]).toEqual([value, [expect.any(String)]]);
    }
  });

  test('finds none in what entries hold: UUIDs (all-digit groups included), timestamps, hashes, counts, codes', () => {
    const text = JSON.stringify({
      ids: ['018e4c2a-1b2c-7d3e-8f90-123456789012', '12345678-1234-1234-1234-061234567890'],
      at: '2026-12-03T07:19:46.123Z',
      leaf: 'a3f5c0e1d2b4968877665544332211ffeeddccbbaa99887766554433221100aa',
      details: { durationMs: 612345678, count: 33612345678, reason: 'current_password_incorrect', code: 'VALIDATION_FAILED' },
      target: { type: 'retention', id: 'auth.login-throttle' },
    });
    expect(personalDataShapes(text)).toEqual([]);
  });
});
