// logEntryText writes an entry's JCS text straight: it must be, byte for byte, what the reference
// implementation (canonicalize, RFC 8785) writes of the entry's log form, or refuse what it refuses.
import fc from 'fast-check';
import canonicalize from 'canonicalize';
import { AUDIT_ACTION_NAMES, logEntryOf, type AuditEntry } from '@gardien/contracts';
import { logEntryText } from './log-entry-text.js';

const reference = (entry: AuditEntry): string | Error => {
  try {
    return canonicalize(logEntryOf(entry)) as string;
  } catch (error) {
    return error as Error;
  }
};

const expectReference = (entry: AuditEntry) => {
  const expected = reference(entry);
  if (expected instanceof Error) expect(() => logEntryText(entry)).toThrow();
  else expect(logEntryText(entry)).toBe(expected);
};

/** Strings of any UTF-16 code units: lone surrogates (and pairs) are there often. */
const codeUnits = fc.array(fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0xd800, max: 0xdfff })), { maxLength: 6 }).map((units) => String.fromCharCode(...units));
const name = fc.oneof(fc.uuid(), fc.stringMatching(/^[a-z][a-z-]{0,12}$/));
const detailValue = fc.oneof(name, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.boolean(), fc.constant(null));

/** Entries of the schema's shape, with details in any key order. */
const entry = (strings: fc.Arbitrary<string>, detailKey: fc.Arbitrary<string>, value: fc.Arbitrary<unknown>) =>
  fc.record({
    id: fc.uuid(),
    occurredAt: fc.date({ min: new Date(Date.UTC(1970, 0, 1)), max: new Date(Date.UTC(9999, 11, 31)), noInvalidDate: true }).map((d) => d.toISOString()),
    service: strings,
    action: fc.constantFrom(...AUDIT_ACTION_NAMES),
    outcome: fc.constantFrom('success', 'failure', 'denied'),
    tenantId: fc.option(fc.uuid(), { nil: null }),
    actor: fc.record({ type: fc.constantFrom('user', 'service', 'system'), id: strings }),
    target: fc.option(fc.record({ type: strings, id: strings }), { nil: null }),
    details: fc.dictionary(detailKey, value, { maxKeys: 8 }),
    requestId: fc.option(fc.uuid(), { nil: null }),
  }) as fc.Arbitrary<AuditEntry>;

test('for any entry of the schema, the text canonicalize writes of its log form', () => {
  fc.assert(fc.property(entry(name, fc.stringMatching(/^[a-z][a-zA-Z]{0,10}$/), detailValue), expectReference), { numRuns: 3_000 });
});

test('strings of any code units, lone surrogates included: the same text, or refused as canonicalize refuses', () => {
  fc.assert(fc.property(entry(codeUnits, codeUnits, fc.oneof(codeUnits, detailValue)), expectReference), { numRuns: 3_000 });
});

test('what the schema would refuse still gets its JCS or a refusal: nested details, extra keys, non-finite numbers', () => {
  const base = fc.sample(entry(name, fc.stringMatching(/^[a-z][a-zA-Z]{0,10}$/), detailValue), { numRuns: 1, seed: 7 })[0]!;
  const variants: unknown[] = [
    { ...base, details: { b: { z: 1, a: [2, { y: 3, x: 4 }] }, a: 1 } },
    { ...base, actor: { id: 'x', type: 'user', extra: 'y' } },
    { ...base, target: { type: 'user', id: 'x', more: 1 } },
    { ...base, details: { a: Infinity } },
    { ...base, details: { a: Number.NaN } },
    { ...base, details: { a: -0, b: 1e21, c: 0.1, d: 5e-324 } },
  ];
  for (const variant of variants) expectReference(variant as AuditEntry);
});

test('a known answer: keys in JCS order, nulls written, details sorted', () => {
  const text = logEntryText({
    id: '0b4c9a8e-1c5d-4e6f-8a7b-9c0d1e2f3a4b',
    occurredAt: '2026-12-02T10:00:00.000Z',
    service: 'auth',
    action: 'login.failed',
    outcome: 'failure',
    tenantId: null,
    actor: { type: 'system', id: 'unknown-account' },
    target: null,
    details: { zeta: 2, alpha: true },
    requestId: null,
  });
  expect(text).toBe(
    '{"action":"login.failed","actor":{"id":"unknown-account","type":"system"},"id":"0b4c9a8e-1c5d-4e6f-8a7b-9c0d1e2f3a4b","metadata":{"alpha":true,"zeta":2},"outcome":"failure","request_id":null,"service":"auth","target":null,"tenant":null,"ts":"2026-12-02T10:00:00.000Z"}',
  );
});
