// The address the router's refusals are counted by must be the one Fastify gives every other
// request: the same X-Forwarded-For headers, the same trusted proxies, the same answer.
import Fastify, { type FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { clientAddressOf } from './client-address.js';

const address = fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom('127.0.0.1', '10.0.0.7', '::1', 'unknown', ''), fc.string({ maxLength: 12 }));
const forwardedFor = fc.option(
  fc.tuple(fc.array(address, { minLength: 1, maxLength: 5 }), fc.constantFrom(',', ', ', ' ,')).map(([hops, separator]) => hops.join(separator)),
  { nil: undefined },
);
const trustProxies = fc.constantFrom('127.0.0.1', '127.0.0.1, 10.0.0.0/8', '10.0.0.7,::1', 'loopback', '192.0.2.0/24');
const peer = fc.constantFrom('127.0.0.1', '10.0.0.7', '::1', '192.0.2.9', '203.0.113.5');

const servers = new Map<string | false, FastifyInstance>();

async function serverTrusting(trustProxy: string | false): Promise<FastifyInstance> {
  let server = servers.get(trustProxy);
  if (server === undefined) {
    const addressOf = clientAddressOf(trustProxy);
    server = Fastify({ trustProxy });
    server.get('/', async (request) => ({ fastify: request.ip, ours: addressOf(request.raw) }));
    await server.ready();
    servers.set(trustProxy, server);
  }
  return server;
}

afterAll(async () => {
  for (const server of servers.values()) await server.close();
});

test('gives the address Fastify gives request.ip, for any X-Forwarded-For behind any trusted proxies', async () => {
  await fc.assert(
    fc.asyncProperty(fc.oneof(trustProxies, fc.constant(false as const)), peer, forwardedFor, async (trustProxy, remoteAddress, xff) => {
      const server = await serverTrusting(trustProxy);
      const answer = await server.inject({ method: 'GET', url: '/', remoteAddress, headers: xff === undefined ? {} : { 'x-forwarded-for': xff } });
      const { fastify, ours } = answer.json<{ fastify: string; ours: string }>();
      expect(ours).toBe(fastify);
    }),
    { numRuns: 300 },
  );
});

test('behind a trusted proxy the client is the nearest untrusted hop; with no proxy trusted, the peer', async () => {
  const raw = (peerAddress: string, xff: string) => ({ socket: { remoteAddress: peerAddress }, connection: { remoteAddress: peerAddress }, headers: { 'x-forwarded-for': xff } }) as never;
  expect(clientAddressOf('127.0.0.1, 10.0.0.0/8')(raw('127.0.0.1', '198.51.100.1, 203.0.113.9, 10.1.2.3'))).toBe('203.0.113.9');
  expect(clientAddressOf(false)(raw('127.0.0.1', '198.51.100.1'))).toBe('127.0.0.1');
  expect(clientAddressOf('192.0.2.0/24')(raw('127.0.0.1', '198.51.100.1'))).toBe('127.0.0.1');
});
