import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { auditSubject } from '@gardien/contracts';
import { takeEntry } from './audit-entry-intake.js';

const entry = () => ({
  id: randomUUID(),
  occurredAt: new Date().toISOString(),
  service: 'auth',
  action: 'login.succeeded',
  outcome: 'success',
  tenantId: randomUUID(),
  actor: { type: 'user', id: randomUUID() },
  target: { type: 'session', id: randomUUID() },
  details: { durationMs: 12 },
  requestId: null,
});
const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));
const SUBJECT = auditSubject('auth', 'login.succeeded');

test('an entry of the catalogue under its own subject is taken', () => {
  const e = entry();
  expect(takeEntry(SUBJECT, bytes(e))).toEqual({ ok: true, entry: e });
});

test.each([
  ['free text in details', { details: { note: 'Jean Dupont a oublié son mot de passe' } }, 'invalid_entry'],
  ['an email as actor', { actor: { type: 'user', id: 'jean.dupont@exemple.fr' } }, 'invalid_entry'],
  ['an action outside the catalogue', { action: 'login.sneaked' }, 'invalid_entry'],
  ['a field the schema does not know', { comment: 'x' }, 'invalid_entry'],
])('%s is refused, with its id only', (_what, change, reason) => {
  const e = { ...entry(), ...change };
  expect(takeEntry(SUBJECT, bytes(e))).toEqual({ ok: false, reason, id: e.id });
});

test("an entry in another service's name (its subject says tenant, its body auth) is refused", () => {
  const e = entry();
  expect(takeEntry(auditSubject('tenant', 'login.succeeded'), bytes(e))).toEqual({ ok: false, reason: 'subject_mismatch', id: e.id });
  expect(takeEntry(auditSubject('auth', 'login.failed'), bytes(e))).toEqual({ ok: false, reason: 'subject_mismatch', id: e.id });
});

test('an entry the database would refuse (an id in upper case, a year outside 1970-9999) is refused here, not in its batch', () => {
  const upper = { ...entry(), id: randomUUID().toUpperCase() };
  expect(takeEntry(SUBJECT, bytes(upper))).toEqual({ ok: false, reason: 'not_storable', id: upper.id.toLowerCase() });
  const tenant = { ...entry(), tenantId: randomUUID().toUpperCase() };
  expect(takeEntry(SUBJECT, bytes(tenant))).toMatchObject({ ok: false, reason: 'not_storable' });
  const yearZero = { ...entry(), occurredAt: '0000-01-01T00:00:00Z' };
  expect(takeEntry(SUBJECT, bytes(yearZero))).toMatchObject({ ok: false, reason: 'not_storable' });
});

test('bytes that are not UTF-8 JSON are refused without an id', () => {
  expect(takeEntry(SUBJECT, Buffer.from([0xff, 0xfe, 0x7b]))).toEqual({ ok: false, reason: 'not_json', id: null });
  expect(takeEntry(SUBJECT, Buffer.from('{"id":'))).toEqual({ ok: false, reason: 'not_json', id: null });
});

test('any bytes at all: taken only when valid, and a refusal carries nothing of the message but a well-formed id', () => {
  fc.assert(
    fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.jsonValue().map((v) => bytes(v)), fc.record({ id: fc.oneof(fc.uuid(), fc.string()), details: fc.jsonValue() }).map((v) => bytes({ ...entry(), ...v }))), (data) => {
      const taken = takeEntry(SUBJECT, data);
      if (!taken.ok) expect(taken.id === null || /^[0-9a-f-]{36}$/.test(taken.id)).toBe(true);
    }),
  );
});
