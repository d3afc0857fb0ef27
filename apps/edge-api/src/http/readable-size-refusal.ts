// A body refused for its size is refused as soon as its Content-Length is read, before the body
// arrives. Fastify then closes the connection, and a client still sending its body often sees the
// connection reset instead of the 413 (RFC 9112, section 9.6, on closing while the client writes).
// When the declared body is no larger than what the edge accepts on any route, the connection
// stays open instead: Node reads and discards the rest (as for any answer sent before its body was
// read), the client reads its 413, and the connection serves its next request. The edge reads no
// more than it would have read for an accepted request, within the same request timeout. A body
// declared larger, or sent chunked (its size unknown), still closes the connection.
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** The Content-Length of a request without Transfer-Encoding, if it is one plain decimal number. */
function declaredLength(request: FastifyRequest): number | undefined {
  if (request.headers['transfer-encoding'] !== undefined) return undefined;
  const declared = request.headers['content-length'];
  return typeof declared === 'string' && /^\d{1,16}$/.test(declared) ? Number(declared) : undefined;
}

export function keepSizeRefusalsReadable(fastify: FastifyInstance, largestBodyBytes: number): void {
  fastify.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode !== 413 || reply.getHeader('connection') !== 'close') return payload;
    const length = declaredLength(request);
    if (length !== undefined && length <= largestBodyBytes) reply.removeHeader('connection');
    return payload;
  });
}
