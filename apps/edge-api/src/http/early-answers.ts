// An answer sent before the request's body was read (a 413 on its Content-Length, a 429 or a 404
// before any body parser ran) decides what becomes of the rest of that body and of the connection:
// - a body declared by Content-Length and no larger than what the edge accepts on any route: Node
//   reads and discards the rest after the answer, and the connection stays open (Fastify's close
//   after a 413 is lifted), so that a client still sending reads its answer instead of a reset
//   (RFC 9112, section 9.6); the edge reads no more than it would for an accepted request, within
//   the same request timeout;
// - a body declared larger, or sent chunked (its size unknown): the connection closes after the
//   answer, and the edge reads no more of it.
// Until that body has been read, the connection has nothing more to answer: a parser error on it
// (the request timeout running out while the client holds the rest back) closes it without a
// second answer, which would otherwise be read as the answer to a request never sent.
import type { FastifyInstance, FastifyRequest } from 'fastify';

const ANSWERED_BEFORE_BODY = new WeakSet<object>();

/** Whether the request being received on `socket` has been answered already, its body still coming. */
export function answeredBeforeBody(socket: object): boolean {
  return ANSWERED_BEFORE_BODY.has(socket);
}

/** The Content-Length of a request without Transfer-Encoding, if it is one plain decimal number. */
function declaredLength(request: FastifyRequest): number | undefined {
  if (request.headers['transfer-encoding'] !== undefined) return undefined;
  const declared = request.headers['content-length'];
  return typeof declared === 'string' && /^\d{1,16}$/.test(declared) ? Number(declared) : undefined;
}

export function governEarlyAnswers(fastify: FastifyInstance, largestBodyBytes: number): void {
  fastify.addHook('onSend', async (request, reply, payload) => {
    const raw = request.raw;
    if (raw.complete) return payload;
    const socket = raw.socket;
    ANSWERED_BEFORE_BODY.add(socket);
    raw.once('end', () => ANSWERED_BEFORE_BODY.delete(socket));
    const length = declaredLength(request);
    if (length === undefined || length > largestBodyBytes) void reply.header('connection', 'close');
    else if (reply.statusCode === 413 && reply.getHeader('connection') === 'close') reply.removeHeader('connection');
    return payload;
  });
}
