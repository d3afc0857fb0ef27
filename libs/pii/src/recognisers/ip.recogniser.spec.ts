import fc from 'fast-check';
import { found, inText, ipv4Arb } from '../testing/identifiers.js';
import { IpRecogniser } from './ip.recogniser.js';

const ip = new IpRecogniser();

test.each([
  ['IPv4', 'depuis 192.168.1.10.', '192.168.1.10'],
  ['IPv4 in brackets', '(10.0.0.1)', '10.0.0.1'],
  ['IPv4 with a prefix length', 'réseau 10.20.0.0/16', '10.20.0.0'],
  ['IPv6 compressed', 'hôte 2001:db8::1, fin', '2001:db8::1'],
  ['IPv6 full', 'adresse 2001:0db8:85a3:0000:0000:8a2e:0370:7334.', '2001:0db8:85a3:0000:0000:8a2e:0370:7334'],
  ['IPv6 loopback', 'sur ::1 :', '::1'],
  ['IPv6 with an IPv4', 'client ::ffff:192.0.2.128 connecté', '::ffff:192.0.2.128'],
  ['IPv6 followed by a colon', 'IP fe80::1: refusée', 'fe80::1'],
])('%s', (_what, text, expected) => {
  expect(found(ip, text)).toContainEqual(['IP', expected]);
});

test.each([
  ['an octet over 255', '256.1.1.1'],
  ['a leading zero', '192.168.01.1'],
  ['three parts (a version)', 'v2.10.3'],
  ['five parts', '1.2.3.4.5'],
  ['a time', '12:30:45'],
  ['a MAC address', '00:1A:2B:3C:4D:5E'],
  ['a C++ scope', 'std::vector'],
  ['a date', '12.05.1985'],
  ['a bare double colon', 'voir :: ici'],
])('not an address: %s', (_what, text) => {
  expect(found(ip, text)).toEqual([]);
});

test('generated IPv4 addresses are found; with an octet over 255 they are not', () => {
  fc.assert(
    fc.property(inText(ipv4Arb), fc.integer({ min: 256, max: 999 }), ({ text, start, end, value }, big) => {
      expect(found(ip, text)).toEqual([['IP', value]]);
      expect(found(ip, text.slice(0, start) + value.replace(/^\d+/, String(big)) + text.slice(end))).toEqual([]);
    }),
  );
});

test('generated IPv6 addresses are found (but the bare "::", which is punctuation more often than not)', () => {
  fc.assert(
    fc.property(inText(fc.ipV6().filter((address) => address !== '::')), ({ text, value }) => {
      expect(found(ip, text)).toContainEqual(['IP', value]);
    }),
  );
});
