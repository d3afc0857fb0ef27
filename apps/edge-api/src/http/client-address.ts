// The address a request comes from: the socket's peer, or, behind trusted proxies, the nearest
// address in X-Forwarded-For that is not one of them. Fastify computes it as `request.ip` with the
// same `trustProxy`, except on the request objects it builds for the router's refusals, which
// ignore `trustProxy` (the proxy's own address): those get theirs from here, so that they are rate
// limited and logged by the client's address like every other request.
import type { IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';

export type ClientAddressOf = (raw: IncomingMessage) => string | undefined;

/** `trustProxy` as given to Fastify (a comma-separated list of addresses and ranges, or false). */
export function clientAddressOf(trustProxy: string | false): ClientAddressOf {
  if (trustProxy === false) return (raw) => raw.socket.remoteAddress;
  // Fastify's own reading of a string `trustProxy`.
  const trusted = proxyAddr.compile(trustProxy.split(',').map((address) => address.trim()));
  return (raw) => proxyAddr(raw, trusted);
}
