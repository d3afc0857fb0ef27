// The one way to make a request on the bus: a timeout on every call (announced to the handler as
// its budget), the caller's token, trace context and request id in headers, replies validated, error envelopes turned back into GardienError.
// Each request has a reply subject nobody else can guess (random UUIDs, see reply-mux.ts; a stream
// an inbox of its own), and takes only the replies that carry its own packet id.
import { randomUUID } from 'node:crypto';
import { headers as natsHeaders, type Msg, type NatsConnection, type MsgHdrs, type Subscription } from '@nats-io/transport-node';
import type { z } from 'zod';
import { ErrorCode, GardienError } from './errors.js';
import { BusReason, busError } from './bus.errors.js';
import {
  HEADER_AUTHORIZATION,
  HEADER_REQUEST_ID,
  HEADER_TRACEPARENT,
  HEADER_TRACESTATE,
  HEADER_STREAM_ID,
  HEADER_TIMEOUT,
  remainingBudgetMs,
  type CallContext,
} from './headers.js';
import { encodeRequest, replyPacketFor, responseOf, streamPacketOf, type ReplyPacket } from './wire.js';
import { ReplyMux, isNoResponders } from './reply-mux.js';
import type { BusOperation, ReplyOf, RequestOf } from './operations/bus-operation.js';
import { serviceOperations } from './operations/service.operations.js';

export interface BusRequestOptions {
  /** Overrides the client's default timeout for this call. */
  timeoutMs?: number;
  /** Headers beyond the call context, for the rare request that carries more (the bootstrap's proof of origin). */
  headers?: Record<string, string>;
  /**
   * Aborting stops the wait (caller_gone); for an operation that is `cancellable`, the service is
   * also told to stop the work behind the answer (a client that went away), as for a stream.
   */
  signal?: AbortSignal;
}

export const DEFAULT_BUS_TIMEOUT_MS = 5_000;

export interface BusStreamOptions {
  /** How long to wait for each message (the first included); the operation's timeout otherwise. */
  idleTimeoutMs?: number;
  /** Aborting stops the stream and cancels the handler's work (a client that went away). */
  signal?: AbortSignal;
}

/** The trace context a call is made from (the span of the handler making it), when one is recorded. */
export type ActiveTraceContext = () => Pick<CallContext, 'traceparent' | 'tracestate'> | undefined;

export interface BusClientOptions {
  /**
   * Where the active trace context comes from (libs/observability when tracing is on): a call made
   * while handling a message then carries the handler's span as its parent, so that a trace runs
   * across every service a request reaches. Without it, or without an active span, the context's
   * own traceparent (the caller's) travels on.
   */
  activeTrace?: ActiveTraceContext;
}

export class BusClient {
  /** Where the replies of single-reply calls arrive (streams have an inbox each). */
  private readonly replies: ReplyMux;

  constructor(
    private readonly connection: NatsConnection,
    private readonly defaultTimeoutMs = DEFAULT_BUS_TIMEOUT_MS,
    private readonly options: BusClientOptions = {},
  ) {
    this.replies = new ReplyMux(connection, this.inboxPrefix());
  }

  /**
   * Calls a bus operation: its subject, its timeout (unless overridden), its reply validated with
   * its schema. The request is typed by the operation, so callers and handlers share one schema.
   * An aborted `signal` stops the wait; a cancellable operation's work is then cancelled as a
   * stream's is: the service is told with its `streams.cancel` operation, under the same token.
   */
  async call<O extends BusOperation>(operation: O, payload: RequestOf<O>, context: CallContext, options: BusRequestOptions = {}): Promise<ReplyOf<O>> {
    if (operation.streaming) throw new Error(`bus operation ${operation.subject} streams its reply: use stream()`);
    const timeoutMs = options.timeoutMs ?? operation.timeoutMs;
    const timed = timeoutMs === undefined ? options : { ...options, timeoutMs };
    const { signal } = options;
    if (!signal || !operation.cancellable) return (await this.request(operation.subject, payload, context, operation.reply, timed)) as ReplyOf<O>;
    if (signal.aborted) throw aborted();
    // Under an id of its own, as a stream: the service stops the call under it if its caller goes away.
    const callId = randomUUID();
    try {
      return (await this.request(operation.subject, payload, context, operation.reply, { ...timed, headers: { ...options.headers, [HEADER_STREAM_ID]: callId } })) as ReplyOf<O>;
    } finally {
      if (signal.aborted) this.cancelStream(operation, callId, context);
    }
  }

  /**
   * Calls a streaming operation: its replies, each validated, as they come, until the handler ends
   * the stream. A consumer that stops early (break, an error, the signal) has the handler's work
   * cancelled: the service is told with its `streams.cancel` operation, under the same token.
   */
  async *stream<O extends BusOperation>(operation: O, payload: RequestOf<O>, context: CallContext, options: BusStreamOptions = {}): AsyncGenerator<ReplyOf<O>> {
    if (!operation.streaming) throw new Error(`bus operation ${operation.subject} answers once: use call()`);
    const idleMs = options.idleTimeoutMs ?? this.idleTimeoutOf(operation);
    const streamId = randomUUID();
    const requestId = randomUUID();
    const inbox = this.replyInbox();
    const subscription = this.subscribe(inbox);
    const messages = subscription[Symbol.asyncIterator]();
    let finished = false;
    try {
      this.publish(operation.subject, encodeRequest(operation.subject, payload, requestId), inbox, toHeaders(this.traced(context), { [HEADER_STREAM_ID]: streamId }, idleMs));
      for (;;) {
        const packet = streamPacketOf(await nextReplyTo(requestId, messages, idleMs, options.signal));
        if (packet.kind === 'error') {
          finished = true;
          throw packet.error;
        }
        if (packet.kind === 'end') {
          finished = true;
          return;
        }
        const parsed = operation.reply.safeParse(packet.response);
        if (!parsed.success) throw new GardienError(ErrorCode.Internal, 'a service answered outside its contract');
        finished = packet.last;
        yield parsed.data as ReplyOf<O>;
        if (packet.last) return;
      }
    } finally {
      subscription.unsubscribe();
      if (!finished) this.cancelStream(operation, streamId, context);
    }
  }

  /** How long a stream of this operation may go without a reply before it is given up (TIMEOUT). */
  idleTimeoutOf(operation: BusOperation): number {
    return operation.timeoutMs ?? this.defaultTimeoutMs;
  }

  /** Best effort: the stream (or the call) is over for the caller whatever the service answers. */
  private cancelStream(operation: BusOperation, streamId: string, context: CallContext): void {
    this.call(serviceOperations(operation.service).cancelStream, { stream_id: streamId }, context).catch(() => undefined);
  }

  /**
   * A reply subject of this process's own (its inbox prefix, which its bus permissions name) that
   * nobody can guess: a random UUID, not the NATS client's counter-based name (nuid) nor its
   * request token (Math.random). Every service may publish into every other process's inbox, to
   * answer it; a name it cannot guess is what keeps it from answering requests made to others.
   */
  private replyInbox(): string {
    return `${this.inboxPrefix()}.${randomUUID()}`;
  }

  private inboxPrefix(): string {
    return (this.connection as { options?: { inboxPrefix?: string } }).options?.inboxPrefix || '_INBOX';
  }

  private subscribe(inbox: string): Subscription {
    try {
      return this.connection.subscribe(inbox);
    } catch {
      throw busError(BusReason.BusUnavailable);
    }
  }

  private publish(subject: string, data: string, reply: string, headers: MsgHdrs): void {
    try {
      this.connection.publish(subject, data, { reply, headers });
    } catch {
      throw busError(BusReason.BusUnavailable);
    }
  }

  private async request<S extends z.ZodType>(
    subject: string,
    payload: unknown,
    context: CallContext,
    replySchema: S,
    options: BusRequestOptions = {},
  ): Promise<z.infer<S>> {
    const timeout = options.timeoutMs ?? this.defaultTimeoutMs;
    const requestId = randomUUID();
    const data = encodeRequest(subject, payload, requestId);
    const headers = toHeaders(this.traced(context), options.headers, timeout);
    const packet = await this.replies.request(requestId, timeout, (reply) => this.publish(subject, data, reply, headers), options.signal);
    const reply = responseOf(packet);
    const parsed = replySchema.safeParse(reply);
    // A reply that breaks its contract is the service's fault, not the caller's.
    if (!parsed.success) throw new GardienError(ErrorCode.Internal, 'a service answered outside its contract');
    return parsed.data;
  }

  private traced(context: CallContext): CallContext {
    const active = this.options.activeTrace?.();
    return active?.traceparent ? { ...context, ...active } : context;
  }
}

/** The headers of a request; with `timeoutMs`, also how long the caller will wait (so the handler knows its deadline). */
export function toHeaders(context: CallContext, extra: Record<string, string> = {}, timeoutMs?: number): MsgHdrs {
  const h = natsHeaders();
  for (const [key, value] of Object.entries(extra)) h.set(key, value);
  h.set(HEADER_REQUEST_ID, context.requestId);
  if (timeoutMs !== undefined) h.set(HEADER_TIMEOUT, String(remainingBudgetMs(timeoutMs, context.deadline)));
  if (context.token) h.set(HEADER_AUTHORIZATION, `Bearer ${context.token}`);
  if (context.traceparent) h.set(HEADER_TRACEPARENT, context.traceparent);
  if (context.tracestate) h.set(HEADER_TRACESTATE, context.tracestate);
  return h;
}

/**
 * The next reply packet to the request `id` in its inbox: a message that does not carry the id
 * is not one (it is dropped, and does not extend the wait). TIMEOUT after `ms` without a reply,
 * UNAVAILABLE when nobody serves the subject, when the bus goes away, or when the signal aborts.
 */
async function nextReplyTo(id: string, messages: AsyncIterator<Msg>, ms: number, signal: AbortSignal | undefined): Promise<ReplyPacket> {
  const deadline = Date.now() + ms;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) throw busError(BusReason.ServiceTimeout);
    const next = await nextWithin(messages, left, signal);
    if (next.done) throw busError(BusReason.BusUnavailable);
    if (isNoResponders(next.value)) throw busError(BusReason.ServiceUnavailable);
    const packet = replyPacketFor(next.value.string(), id);
    if (packet) return packet;
  }
}

/** The next message; TIMEOUT after `ms` without one; UNAVAILABLE when the signal aborts first. */
async function nextWithin(messages: AsyncIterator<Msg>, ms: number, signal: AbortSignal | undefined): Promise<IteratorResult<Msg>> {
  if (signal?.aborted) throw aborted();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(busError(BusReason.ServiceTimeout)), ms);
    onAbort = () => reject(aborted());
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([
      // The subscription ended in error (the connection closed or drained, a permission refused).
      messages.next().catch(() => Promise.reject(busError(BusReason.BusUnavailable))),
      stop,
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

function aborted(): GardienError {
  return busError(BusReason.CallerGone);
}
