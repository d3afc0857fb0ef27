// What `gardien nats-config` accepts. For production the bus is TLS only and listens on one given
// address: the server's address on the bus network (in a container, its address on the internal
// network, or its host name there), never every interface by default. The generator cannot know
// that address, and loopback would leave every other container outside, so production asks for it.
import { isIP } from 'node:net';
import { isServerName } from '@gardien/bootstrap';

export interface NatsConfigOptions {
  out: string;
  seedsDir: string;
  listen?: string;
  storeDir?: string;
  /** The server's certificate, key and the clients' CA: paths as the nats-server will see them. */
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
  /** A directory where a CA and every certificate of the bus are made (once) and taken from. */
  tlsGenerate?: string;
  tlsServerNames?: string[];
  production?: boolean;
  anyInterface?: boolean;
}

export interface ListenAddress {
  host: string;
  port: number;
}

/**
 * `host:port` or `[v6]:port`, the host an IP address or a DNS name whose last label starts with a
 * letter (so that `0`, `0x0` or `127.1`, which resolvers read as addresses, cannot pass for names);
 * undefined for anything else.
 */
export function parseListen(value: string): ListenAddress | undefined {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value);
  if (!match) return undefined;
  const host = match[1] ?? match[2]!;
  const port = Number(match[3]);
  if (port < 1 || port > 65_535) return undefined;
  if (match[1] !== undefined) return isIP(host) === 6 ? { host, port } : undefined;
  const isName = isServerName(host) && /^[A-Za-z]/.test(host.split('.').at(-1)!);
  return isIP(host) === 4 || isName ? { host, port } : undefined;
}

/**
 * Every interface of the machine (or of the container): the unspecified address however spelt.
 * IPv6 is compared in its canonical form (WHATWG URL), where `::0.0.0.0` and `0:0::0` are `::`;
 * `::ffff:0.0.0.0` is IPv4's unspecified address mapped into IPv6, which Go (nats-server) binds as 0.0.0.0.
 */
export function isWildcard(address: ListenAddress): boolean {
  if (address.host === '0.0.0.0') return true;
  if (isIP(address.host) !== 6) return false;
  const canonical = new URL(`http://[${address.host}]`).hostname;
  return canonical === '[::]' || canonical === '[::ffff:0:0]';
}

/** The usage error in these options, or undefined when they make sense together. */
export function natsConfigUsageError(options: NatsConfigOptions): string | undefined {
  const listen = options.listen === undefined ? undefined : parseListen(options.listen);
  if (options.listen !== undefined && !listen) return '--listen takes host:port (an IP address or a host name, and a port)';
  const tlsFiles = [options.tlsCert, options.tlsKey, options.tlsCa].filter((file) => file !== undefined).length;
  if (tlsFiles > 0 && tlsFiles < 3) return '--tls-cert, --tls-key and --tls-ca go together';
  if (tlsFiles > 0 && options.tlsGenerate !== undefined) return '--tls-generate makes the certificates: it does not take --tls-cert, --tls-key or --tls-ca';
  if (options.tlsServerNames !== undefined && options.tlsGenerate === undefined) return '--tls-server-names names the hosts of a generated server certificate: only with --tls-generate';
  const badName = (options.tlsServerNames ?? []).findIndex((name) => !isServerName(name));
  if (badName >= 0) return `--tls-server-names: name ${badName + 1} is neither a DNS name nor an IP address`;
  if (options.anyInterface && !options.production) return '--any-interface is an exception to --production: only with it';
  if (!options.production) return undefined;
  if (tlsFiles === 0 && options.tlsGenerate === undefined) return '--production requires TLS: --tls-cert, --tls-key and --tls-ca, or --tls-generate';
  if (!listen) return "--production requires --listen with the server's address on the bus network";
  if (isWildcard(listen) && !options.anyInterface) {
    return '--production refuses to listen on every interface: give the address on the bus network, or --any-interface when the server has no other network';
  }
  return undefined;
}

/** The hosts a generated server certificate names: the ones asked for, or this machine and the listen host. */
export function serverNamesOf(options: NatsConfigOptions): string[] {
  if (options.tlsServerNames?.length) return options.tlsServerNames;
  const listen = options.listen === undefined ? undefined : parseListen(options.listen);
  const names = ['localhost', '127.0.0.1'];
  if (listen && !isWildcard(listen) && !names.includes(listen.host)) names.push(listen.host);
  return names;
}
