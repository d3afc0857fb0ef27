// How the success answers that are not one JSON document leave the edge.
// - A streamed reply becomes server-sent events: one `data:` JSON line per reply, then `event: end`.
//   Errors before the first reply are ordinary problem documents (the status is not sent yet);
//   one that comes after is an `event: error` whose data is the problem document, then the end.
//   A client that goes away aborts the stream, which cancels the service's work. A client that
//   stops reading is not buffered for: the edge writes only while the connection takes it, waits
//   for it to drain at most as long as the stream may go without a reply (or less:
//   GARDIEN_STREAM_STALL_MS), then drops the connection and ends the stream (the service is told
//   to stop). The service is not slowed down
//   meanwhile: what it sends waits in the edge's subscription. The model gateway's streams, a few
//   tokens a second, are far slower than any client reads; an operation that streams faster than
//   clients may read will need credit-based flow control on the bus. The OpenAI-compatible surface
//   writes its chunks with the same writer, in OpenAI's format (openai/openai-chat-stream.ts).
// - A client that goes away before an answer given once (a model call) stops waiting for it and,
//   when its operation is cancellable, has the service's work stopped too (clientGone, as above).
// - A file reply becomes a download, its digest checked first: a damaged file is INTERNAL, never sent.
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode, GardienError, type FileReply } from '@gardien/contracts';
import { mapHttpError, type MappedError } from '../http/http-error.mapper.js';
import { problemOf } from '../http/problem.js';
import { REQUEST_ID_HEADER, requestState } from '../http/request-context.js';

export const EVENT_STREAM_TYPE = 'text/event-stream; charset=utf-8';

const GONE = new WeakMap<ServerResponse, AbortSignal>();

/**
 * Aborted when the client's connection closes before the answer is complete. It listens on this
 * response, not on the socket: a kept-alive socket carries many responses, and a listener per
 * request on it would stay there for the socket's whole life. One signal per response, however
 * many calls it waits for (the fields of a GraphQL document).
 */
export function clientGone(reply: FastifyReply): AbortSignal {
  const response = reply.raw;
  const known = GONE.get(response);
  if (known) return known;
  const controller = new AbortController();
  if (response.destroyed) controller.abort();
  else
    response.once('close', () => {
      if (!response.writableFinished) controller.abort();
    });
  GONE.set(response, controller.signal);
  return controller.signal;
}

/** True once what was written has drained to the connection; false if it closes or stays full for `stallMs`. */
function drained(response: ServerResponse, stallMs: number): Promise<boolean> {
  // Gone already: its 'close' has fired, nothing will drain.
  if (response.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      response.off('drain', onDrain);
      response.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    const timer = setTimeout(() => done(false), stallMs);
    response.on('drain', onDrain);
    response.on('close', onClose);
  });
}

/** How a streamed reply is written: its media type, each reply, its end, and an error once the status is sent. */
export interface StreamFormat {
  contentType: string;
  /** The text of one reply; an empty text writes nothing. */
  reply(value: unknown): string;
  end: string | undefined;
  /** Undefined: the body ends there, unfinished (a JSON Lines export without its tree head is seen as truncated). */
  error(error: MappedError, requestId: string): string | undefined;
}

const EVENT_STREAM: StreamFormat = {
  contentType: EVENT_STREAM_TYPE,
  reply: (value) => `data: ${JSON.stringify(value)}\n\n`,
  end: 'event: end\ndata: {}\n\n',
  error: (error, requestId) => `event: error\ndata: ${JSON.stringify(problemOf({ ...error, requestId }))}\n\n`,
};

export const JSON_LINES_TYPE = 'application/jsonl; charset=utf-8';

/** Replies of the shape `{lines}`: whole JSON Lines, written as they come. */
const JSON_LINES: StreamFormat = {
  contentType: JSON_LINES_TYPE,
  reply: (value) => (value as { lines: string }).lines,
  end: undefined,
  error: () => undefined,
};

/** `stallMs`: how long a client that does not read may hold the stream (the operation's idle timeout). */
export function writeEventStream(request: FastifyRequest, reply: FastifyReply, replies: AsyncIterator<unknown>, stallMs: number): Promise<void> {
  return writeStream(request, reply, replies, stallMs, EVENT_STREAM);
}

/** A download of JSON Lines (an audit export), streamed from the service's pieces. */
export function writeJsonLines(request: FastifyRequest, reply: FastifyReply, replies: AsyncIterator<unknown>, stallMs: number): Promise<void> {
  return writeStream(request, reply, replies, stallMs, JSON_LINES);
}

/** Writes a streamed reply in `format`: the status once the first reply has come (an error before it is an ordinary answer), each reply as the connection takes it. */
export async function writeStream(request: FastifyRequest, reply: FastifyReply, replies: AsyncIterator<unknown>, stallMs: number, format: StreamFormat): Promise<void> {
  const first = await replies.next();
  const { requestId } = requestState(request);
  void reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': format.contentType,
    'cache-control': 'no-store',
    // Proxies must pass each part on as it comes.
    'x-accel-buffering': 'no',
    'x-content-type-options': 'nosniff',
    [REQUEST_ID_HEADER]: requestId,
  });
  const send = async (text: string): Promise<boolean> => raw.write(text) || drained(raw, stallMs);
  try {
    for (let next = first; !next.done; next = await replies.next()) {
      const text = format.reply(next.value);
      if (text !== '' && !(await send(text))) {
        // The client stopped reading (or left): drop it, and end the stream, which cancels the work.
        raw.destroy();
        await replies.return?.();
        return;
      }
    }
    if (format.end !== undefined) await send(format.end);
  } catch (error) {
    const text = format.error(mapHttpError(error), requestId);
    if (text !== undefined) await send(text);
  } finally {
    raw.end();
  }
}

/** A file reply as a download; the name is ours (a restricted set of characters), quoted as RFC 6266 asks. */
export function sendFile(reply: FastifyReply, file: FileReply): Buffer {
  const content = Buffer.from(file.content_base64, 'base64');
  if (createHash('sha256').update(content).digest('hex') !== file.sha256) {
    throw new GardienError(ErrorCode.Internal, 'a file was damaged on its way');
  }
  void reply
    .header('content-type', file.media_type)
    .header('content-disposition', `attachment; filename="${file.name}"`)
    .header('content-length', String(content.length))
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'no-store');
  return content;
}
