import fc from 'fast-check';
import { throttleSourceOf } from './throttle-source.js';

const hextet = fc.integer({ min: 0, max: 0xffff });
const v6Parts = fc.array(hextet, { minLength: 8, maxLength: 8 });
const v4Octets = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 });
const v6 = (parts: number[]) => parts.map((p) => p.toString(16)).join(':');

test('every address of one IPv6 /64 is one source, whatever its spelling; another /64 is another source', () => {
  fc.assert(
    fc.property(v6Parts, v6Parts, fc.boolean(), (a, b, upper) => {
      const sameNetwork = [...a.slice(0, 4), ...b.slice(4)];
      const spelled = upper ? v6(sameNetwork).toUpperCase() : v6(sameNetwork);
      if (a.slice(0, 4).join() === '0,0,0,0') return; // ::/64 holds the IPv4-mapped range, checked below
      expect(throttleSourceOf(spelled)).toBe(throttleSourceOf(v6(a)));
      const otherNetwork = [...b.slice(0, 4), ...a.slice(4)];
      if (b.slice(0, 4).join() !== a.slice(0, 4).join()) expect(throttleSourceOf(v6(otherNetwork))).not.toBe(throttleSourceOf(v6(a)));
    }),
  );
  expect(throttleSourceOf('2001:db8:1:2::1')).toBe(throttleSourceOf('2001:0db8:0001:0002:ffff:ffff:ffff:ffff'));
  expect(throttleSourceOf('fe80::1%eth0')).toBe(throttleSourceOf('fe80::2'));
});

test('an IPv4-mapped IPv6 address is the IPv4 address it maps, in any spelling', () => {
  fc.assert(
    fc.property(v4Octets, fc.constantFrom('::ffff:', '::FFFF:', '0:0:0:0:0:ffff:'), (octets, prefix) => {
      const v4 = octets.join('.');
      const hex = `${((octets[0]! << 8) | octets[1]!).toString(16)}:${((octets[2]! << 8) | octets[3]!).toString(16)}`;
      expect(throttleSourceOf(`${prefix}${v4}`)).toBe(throttleSourceOf(v4));
      expect(throttleSourceOf(`::ffff:${hex}`)).toBe(throttleSourceOf(v4));
    }),
  );
});

test('distinct IPv4 addresses stay distinct sources; what is not an address never collides with one', () => {
  fc.assert(
    fc.property(v4Octets, v4Octets, (a, b) => {
      if (a.join() !== b.join()) expect(throttleSourceOf(a.join('.'))).not.toBe(throttleSourceOf(b.join('.')));
    }),
  );
  expect(throttleSourceOf('ipv4:192.0.2.1')).not.toBe(throttleSourceOf('192.0.2.1'));
  expect(throttleSourceOf('192.0.2.1:8080')).toBe('other:192.0.2.1:8080');
  expect(throttleSourceOf(undefined)).toBe('unknown');
  expect(throttleSourceOf('')).toBe('unknown');
});
