// A purpose's retention against hostile input, property-based: whatever value `retention_days`
// carries, the request is refused as VALIDATION_FAILED unless it is a whole number of days from 1 to
// 3650, and an accepted one keeps exactly that number. Absent, the purpose declares none.
import fc from 'fast-check';
import { ErrorCode, GardienError } from '../errors.js';
import { parsePayload } from '../validation.js';
import { CreatePurposeRequest, Purpose } from './tenant-operations.js';

const base = { id: 'support', name: 'Support', legal_basis: 'contract' };
const withinBounds = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 3650;

function parsedOrRefused(payload: unknown): CreatePurposeRequest | undefined {
  try {
    return parsePayload(CreatePurposeRequest, payload);
  } catch (error) {
    expect(error).toBeInstanceOf(GardienError);
    expect((error as GardienError).code).toBe(ErrorCode.ValidationFailed);
    return undefined;
  }
}

test('any retention_days is accepted exactly when it is a whole number of days from 1 to 3650, and kept as sent', () => {
  const anyValue = fc.oneof(
    fc.integer({ min: -10_000, max: 10_000 }),
    fc.integer({ min: 3640, max: 3660 }),
    fc.integer({ min: -5, max: 5 }),
    fc.double(),
    fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 1e308, 2 ** 53),
    fc.string(),
    fc.constantFrom(null, true, '30', [30], { days: 30 }),
  );
  fc.assert(
    fc.property(anyValue, (retention_days) => {
      const parsed = parsedOrRefused({ ...base, retention_days });
      if (withinBounds(retention_days)) expect(parsed?.retention_days).toBe(retention_days);
      else expect(parsed).toBeUndefined();
    }),
    { numRuns: 2_000 },
  );
});

test('the bounds themselves: 1 and 3650 accepted, 0 and 3651 refused; absent means none', () => {
  expect(parsedOrRefused({ ...base, retention_days: 1 })?.retention_days).toBe(1);
  expect(parsedOrRefused({ ...base, retention_days: 3650 })?.retention_days).toBe(3650);
  expect(parsedOrRefused({ ...base, retention_days: 0 })).toBeUndefined();
  expect(parsedOrRefused({ ...base, retention_days: 3651 })).toBeUndefined();
  expect(parsedOrRefused(base)).toEqual(base);
});

test('a purpose read back says null when it declares no retention, and never a retention out of bounds', () => {
  const purpose = { ...base, tenant_id: '6f1c8a0e-8d7a-4c1e-9a4b-2f5d3c1b0a99', description: null, created_at: '2026-12-07T00:00:00.000Z' };
  expect(Purpose.safeParse({ ...purpose, retention_days: null }).success).toBe(true);
  expect(Purpose.safeParse({ ...purpose, retention_days: 30 }).success).toBe(true);
  expect(Purpose.safeParse(purpose).success).toBe(false);
  expect(Purpose.safeParse({ ...purpose, retention_days: 4000 }).success).toBe(false);
});
