// Answers to requests that never reach a route, in the same problem+json as every other error:
// what Node's HTTP parser refuses (a 431 for oversized headers, a 400 for malformed requests,
// Transfer-Encoding with Content-Length among them) before Fastify sees a request, what Fastify's
// router refuses (bad percent-encoding, over-long parameters), and requests that arrive while the
// edge shuts down (503). Nothing of the request is echoed or logged but its outcome.
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { safeError, type Logger } from '@gardien/observability';
import { EdgeReason, edgeError } from '../edge.errors.js';
import { isOpenAiPath, openAiErrorOf } from '../openai/openai-error.js';
import { type ClientAddressOf } from './client-address.js';
import { answeredBeforeBody, droppedOnClosingConnection, endLingering, isLingering, type EarlyAnswers } from './early-answers.js';
import { HTTP_REFUSALS, type HttpRefusalAnswer } from './http-refusal.js';
import { PROBLEM_CONTENT_TYPE, problemOf } from './problem.js';
import { countRouterRefusal } from './rate-limit.js';
import { sendProblem } from './problem.filter.js';
import { REQUEST_ID_HEADER, requestState } from './request-context.js';

/**
 * Fastify's `frameworkErrors`: the router's refusals, before any hook has run (the access log's
 * included) and with no onSend hook after: what becomes of an unread body is decided here.
 */
export function answerFrameworkError(logger: Logger, earlyAnswers: EarlyAnswers, addressOf: ClientAddressOf): (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  return (error, request, reply) =>
    refuse(error, request, reply).catch((failure: unknown) => {
      // Fastify ignores what this returns: a failure here would otherwise be an unhandled rejection.
      logger.error({ requestId: requestState(request).requestId, err: safeError(failure) }, 'router refusal failed');
      request.raw.socket.destroy();
    });

  async function refuse(error: FastifyError, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (droppedOnClosingConnection(request, reply)) return;
    // Fastify builds this request without trustProxy: its address is the proxy's unless set here.
    Object.defineProperty(request, 'ip', { value: addressOf(request.raw), enumerable: true });
    let refusal: unknown = error;
    try {
      await countRouterRefusal(request, reply);
    } catch (limited) {
      refusal = limited;
    }
    earlyAnswers.govern(request, reply);
    sendProblem(request, reply, refusal, logger);
    logger.info({ status: reply.statusCode, requestId: requestState(request).requestId }, 'request refused by the router');
  }
}

function refusalOfParserError(code: string | undefined): HttpRefusalAnswer {
  if (code === 'HPE_HEADER_OVERFLOW') return HTTP_REFUSALS.headersTooLarge;
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return HTTP_REFUSALS.requestTimeout;
  return HTTP_REFUSALS.malformedRequest;
}

/**
 * The path (`/v1/models`) of the request line at the start of the bytes the parser refused, if
 * they start with one (Node hands those bytes over as `rawPacket`; a request spread over several
 * packets may leave only a later one there, and the answer is then a problem document).
 */
export function requestTargetOf(error: NodeJS.ErrnoException & { rawPacket?: unknown }): string | undefined {
  if (!Buffer.isBuffer(error.rawPacket)) return undefined;
  // The path alone, however long the query string or broken the rest of the line.
  return /^[A-Z]{1,16} (\/[^ ?\r\n]*)/.exec(error.rawPacket.subarray(0, 1_024).toString('latin1'))?.[1];
}

/**
 * Fastify's `clientErrorHandler` (Node's `clientError` event): the request could not be parsed,
 * so the answer is written on the socket as raw HTTP/1.1, and the connection closed.
 */
export function answerClientError(logger: Logger): (error: NodeJS.ErrnoException, socket: Duplex) => void {
  return (error, socket) => {
    // Answered and closing: the parser refuses every chunk still read from it, and nothing is answered again.
    if (isLingering(socket) && !socket.destroyed) return;
    // A reset connection, or one the client closed in the middle of its request, has nobody left
    // to answer (Node's own advice for this event): not a refusal, and not logged as one.
    if (error.code === 'ECONNRESET' || error.code === 'HPE_INVALID_EOF_STATE' || socket.destroyed) {
      socket.destroy();
      return;
    }
    // An answer was already sent on this connection (an early 413 or 429 while the body was still
    // coming): a refusal written after it would be read as the answer to the next request.
    // An earlier request of this connection still being answered (pipelining): a refusal written
    // now would be read as that request's answer. The connection is dropped instead.
    const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage;
    if (answeredBeforeBody(socket) || inFlight?.headersSent || (inFlight !== undefined && inFlight.req.complete && !inFlight.writableEnded)) {
      socket.destroy();
      return;
    }
    const refusal = refusalOfParserError(error.code);
    const requestId = randomUUID();
    logger.info({ status: refusal.status, requestId }, 'request refused by the HTTP parser');
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    // Under /v1 every error takes OpenAI's shape, these too, when the request line can be read.
    const openAi = isOpenAiPath(requestTargetOf(error));
    const body = JSON.stringify(openAi ? openAiErrorOf({ ...refusal, requestId }).body : problemOf({ ...refusal, requestId }));
    const head = [
      `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}`,
      `content-type: ${openAi ? 'application/json' : PROBLEM_CONTENT_TYPE}`,
      `content-length: ${Buffer.byteLength(body)}`,
      `${REQUEST_ID_HEADER}: ${requestId}`,
      'cache-control: no-store',
      'connection: close',
    ];
    // Not destroyed at once: a client still writing its body would read a reset (EPIPE) instead of this answer.
    endLingering(socket as Socket, `${head.join('\r\n')}\r\n\r\n${body}`);
  };
}

/**
 * Once the edge starts closing, requests still arriving on open connections get a 503 problem
 * (with Retry-After, as every 503) and the connection is closed: the same as Fastify's `return503OnClosing`,
 * which answers in a JSON of its own.
 */
export function registerShutdownRefusal(fastify: FastifyInstance): void {
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onRequest', async (_request, reply) => {
    if (!closing) return;
    void reply.header('connection', 'close');
    throw edgeError(EdgeReason.EdgeShuttingDown);
  });
}
