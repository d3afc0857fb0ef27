// An answer sent before the request's body was read (a 413 on its Content-Length, a 429 or a 404
// before any body parser ran, the router's 400 and 414) decides what becomes of the rest of that
// body and of the connection (the HTTP parser's refusals always close it, lingering as below):
// - a body declared by Content-Length and no larger than what the edge accepts on any route: Node
//   reads and discards the rest after the answer, and the connection stays open (Fastify's close
//   after a 413 is lifted), so that a client still sending reads its answer instead of a reset;
//   the edge reads no more than it would for an accepted request, within the same request timeout;
// - a body declared larger, or sent chunked (its size unknown): the connection closes after the
//   answer.
// A connection closed while its body is still arriving is half-closed, not dropped (RFC 9112,
// section 9.6): closing a socket with unread bytes resets it, and a client still writing then fails
// (EPIPE) before it has read the answer. The edge sends its FIN after the answer and reads on,
// discarding, until the body ends, the client closes, or LINGER_MS pass, whichever comes first;
// a request that follows the body on such a connection is dropped unanswered, before any hook.
// Until that body has been read, the connection has nothing more to answer: a parser error on it
// (the request timeout running out while the client holds the rest back) closes it without a
// second answer, which would otherwise be read as the answer to a request never sent.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** How long a connection closed after an early answer is still read from (nginx: lingering_timeout 5 s). */
export const LINGER_MS = 2_000;

/** The request of each connection whose answer left before its body was read, while that body arrives. */
const BODY_STILL_COMING = new WeakMap<object, IncomingMessage>();
/** Connections half-closed after an early answer, read from until they close. */
const LINGERING = new WeakSet<object>();
/** Connections an early answer will close, with that answer's request: no later request on them is served. */
const CLOSING = new WeakMap<object, IncomingMessage>();

/**
 * Drops, unanswered, a request that arrived on a connection the edge is closing after an earlier
 * early answer (that answer perhaps still queued behind another); says whether it did.
 */
export function droppedOnClosingConnection(request: FastifyRequest, reply: FastifyReply): boolean {
  const raw = request.raw;
  const socket = raw.socket;
  const closing = CLOSING.get(socket);
  if (!LINGERING.has(socket) && !socket.destroyed && (closing === undefined || closing === raw)) return false;
  reply.hijack();
  socket.destroy();
  return true;
}

/** Whether the request being received on `socket` has been answered already, its body still coming. */
export function answeredBeforeBody(socket: object): boolean {
  return BODY_STILL_COMING.has(socket) || LINGERING.has(socket);
}

/**
 * The length of a request's body when it is known: its Content-Length (one plain decimal number),
 * or 0 with neither Content-Length nor Transfer-Encoding (RFC 9112, section 6.3); undefined when chunked.
 */
function declaredLength(request: FastifyRequest): number | undefined {
  if (request.headers['transfer-encoding'] !== undefined) return undefined;
  const declared = request.headers['content-length'];
  if (declared === undefined) return 0;
  return typeof declared === 'string' && /^\d{1,16}$/.test(declared) ? Number(declared) : undefined;
}

/**
 * Replaces, for this request only, what Node does when it closes the connection after the answer
 * (`destroySoon`: end, then destroy, resetting a connection with bytes still unread) by a lingering close.
 */
function lingerOnClose(socket: Socket, raw: IncomingMessage): void {
  const nodeDestroySoon = socket.destroySoon;
  const restore = () => {
    if (socket.destroySoon === lingeringDestroySoon) socket.destroySoon = nodeDestroySoon;
  };
  function lingeringDestroySoon(this: Socket): void {
    restore();
    if (raw.complete) return nodeDestroySoon.call(socket);
    linger(socket, raw);
  }
  socket.destroySoon = lingeringDestroySoon;
  raw.once('end', restore);
}

/**
 * Writes the last answer of a connection the HTTP parser gave up on, and closes it lingering: the
 * bytes still arriving are read and discarded (the parser refuses each chunk again, which is
 * ignored) until the client closes or LINGER_MS pass.
 */
export function endLingering(socket: Socket, answer: string): void {
  linger(socket, socket, answer);
}

/**
 * At most this many connections linger at once; beyond, a connection is closed as soon as its
 * answer is written (a client still writing may then read a reset): lingering costs a socket for
 * up to LINGER_MS, and a crowd of clients must not hold thousands of them.
 */
export const MAX_LINGERING = 1_000;
let lingeringCount = 0;

/** Ends `socket` (after `answer`, if any) and reads on until `until` ends (the body, or the client's FIN) or LINGER_MS pass. */
function linger(socket: Socket, until: IncomingMessage | Socket, answer?: string): void {
  if (lingeringCount >= MAX_LINGERING) {
    const drop = () => socket.destroy();
    if (answer === undefined) socket.end(drop);
    else socket.end(answer, drop);
    return;
  }
  lingeringCount += 1;
  LINGERING.add(socket);
  const drop = () => socket.destroy();
  const timer = setTimeout(drop, LINGER_MS);
  socket.once('close', () => {
    clearTimeout(timer);
    LINGERING.delete(socket);
    lingeringCount -= 1;
  });
  until.once('end', drop);
  if (answer === undefined) socket.end();
  else socket.end(answer);
}

/** Whether `socket` is being read from only to be closed without a reset, its last answer sent. */
export function isLingering(socket: object): boolean {
  return LINGERING.has(socket);
}

export class EarlyAnswers {
  constructor(private readonly largestBodyBytes: number) {}

  /** Called before any answer leaves, by the onSend hook and by the router's refusals (which skip the hooks). */
  govern(request: FastifyRequest, reply: FastifyReply): void {
    const raw = request.raw;
    const socket = raw.socket;
    if (raw.complete || BODY_STILL_COMING.get(socket) === raw) return;
    BODY_STILL_COMING.set(socket, raw);
    raw.once('end', () => {
      if (BODY_STILL_COMING.get(socket) === raw) BODY_STILL_COMING.delete(socket);
    });
    const length = declaredLength(request);
    if (length === undefined || length > this.largestBodyBytes) {
      void reply.header('connection', 'close');
      CLOSING.set(socket, raw);
    } else if (reply.statusCode === 413 && reply.getHeader('connection') === 'close') reply.removeHeader('connection');
    lingerOnClose(socket, raw);
  }

  /** Registered first: a request parsed on a connection being closed meets no other hook (the rate limiter's included). */
  register(fastify: FastifyInstance): void {
    fastify.addHook('onRequest', async (request, reply) => {
      droppedOnClosingConnection(request, reply);
    });
    // Again after the body was read, before any handler: the connection may have had its last
    // answer meanwhile (a 408 while the body was coming), and what was asked must not be done.
    fastify.addHook('preValidation', async (request, reply) => {
      droppedOnClosingConnection(request, reply);
    });
    fastify.addHook('onSend', async (request, reply, payload) => {
      this.govern(request, reply);
      return payload;
    });
  }
}
