// The in-flight limits: per tenant and in all, refused with a retry in a second, places given back
// once each whatever the order; under any interleaving of takes and releases the counts match
// the places held and never pass a limit.
import fc from 'fast-check';
import { ErrorCode } from '@gardien/contracts';
import { InFlightLimits, type InFlightSlot } from './in-flight-limits.js';

test('a tenant takes up to its limit; the next call is refused with a retry in a second, another tenant still calls', () => {
  const limits = new InFlightLimits({ perTenant: 2, overall: 10 });
  limits.acquire('a');
  const second = limits.acquire('a');
  expect(() => limits.acquire('a')).toThrow(expect.objectContaining({ code: ErrorCode.RateLimited, reason: 'too_many_calls', retryAfterSeconds: 1 }));
  expect(() => limits.acquire('b')).not.toThrow();
  second.release();
  second.release();
  expect(limits.running('a')).toBe(1);
  expect(() => limits.acquire('a')).not.toThrow();
});

test('the overall limit holds across tenants', () => {
  const limits = new InFlightLimits({ perTenant: 5, overall: 3 });
  for (const tenant of ['a', 'b', 'c']) limits.acquire(tenant);
  expect(() => limits.acquire('d')).toThrow(expect.objectContaining({ reason: 'too_many_calls' }));
  expect(limits.running()).toBe(3);
});

test('any sequence of takes and releases: counts are the places held, never above a limit, and all given back leaves nothing', () => {
  const step = fc.oneof(fc.record({ take: fc.constantFrom('a', 'b', 'c') }), fc.record({ give: fc.nat(20), twice: fc.boolean() }));
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 8 }), fc.array(step, { maxLength: 60 }), (perTenant, overall, steps) => {
      const limits = new InFlightLimits({ perTenant, overall });
      const held: Array<{ tenant: string; slot: InFlightSlot }> = [];
      for (const s of steps) {
        if ('take' in s) {
          const ofTenant = held.filter((h) => h.tenant === s.take).length;
          const fits = ofTenant < perTenant && held.length < overall;
          if (fits) held.push({ tenant: s.take, slot: limits.acquire(s.take) });
          else expect(() => limits.acquire(s.take)).toThrow();
        } else if (held.length > 0) {
          const [gone] = held.splice(s.give % held.length, 1);
          gone!.slot.release();
          if (s.twice) gone!.slot.release();
        }
        expect(limits.running()).toBe(held.length);
        for (const tenant of ['a', 'b', 'c']) expect(limits.running(tenant)).toBe(held.filter((h) => h.tenant === tenant).length);
      }
      for (const h of held) h.slot.release();
      expect(limits.running()).toBe(0);
    }),
  );
});
