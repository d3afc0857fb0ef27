// What counts as one source for per-source throttling. An IPv6 client usually holds a whole /64
// (its provider delegates at least that much, and privacy addresses rotate inside it), so a /64 is
// one source, as an IPv4 address is; an IPv4 client seen through a dual-stack socket
// (`::ffff:192.0.2.1`) is the same source as `192.0.2.1`. Anything that is not an address (the edge
// always sends one) is kept as given, under its own prefix so that it never collides with one.
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

export function throttleSourceOf(address: string | undefined): string {
  if (!address) return 'unknown';
  // A zone index (`fe80::1%eth0`) names an interface of this host, not a client.
  const bare = address.replace(/%.*$/s, '');
  switch (isIP(bare)) {
    case 4:
      return `ipv4:${ipaddr.IPv4.parse(bare).toString()}`;
    case 6: {
      const v6 = ipaddr.IPv6.parse(bare);
      if (v6.isIPv4MappedAddress()) return `ipv4:${v6.toIPv4Address().toString()}`;
      return `ipv6:${v6.parts
        .slice(0, 4)
        .map((part) => part.toString(16))
        .join(':')}::/64`;
    }
    default:
      return `other:${address}`;
  }
}
