// HTTP to one model runtime, shared by the adapters: node:http with a keep-alive agent, a
// timeout for each phase of a call (connect, first byte, silence between chunks, whole call), the
// caller's AbortSignal (which destroys the request, so the runtime sees the connection close and
// stops generating), the runtime's circuit breaker, and retries only where nothing can have been
// half done: a connection that failed before any byte of an answer arrived. Answers are checked
// against the adapter's zod schema; a stream is cut into lines for the adapter's decoder, and
// must reach the end the decoder recognises, or it fails.
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import type { z } from 'zod';
import type { CircuitBreaker, CircuitPass } from './circuit-breaker.js';
import { LlmRuntimeError, LlmRuntimeErrorCode, isRuntimeFault, type TimeoutPhase } from './llm-runtime.errors.js';
import type { RuntimeKind, RuntimeOperation } from './model-runtime.port.js';

export interface RuntimeTimeouts {
  /** Until the connection to the runtime is up. */
  connectMs: number;
  /**
   * Until the answer starts (its status line), for streamed chats and model lists. A non-streamed
   * chat or embedding only starts answering once it is computed: those have `totalMs` alone.
   */
  firstByteMs: number;
  /** The longest silence between two chunks of an answer that has started. */
  stallMs: number;
  /** The whole call, retries included. */
  totalMs: number;
}

export interface RuntimeEndpointOptions {
  runtime: RuntimeKind;
  /** Paths are appended to it: `http://ollama:11434`, `http://vllm:8000/v1`. */
  baseUrl: string;
  /** Sent with every request (an Authorization header). */
  headers?: Record<string, string>;
  timeouts: RuntimeTimeouts;
  /** Further attempts after a connection that failed before any byte of an answer. */
  retries: number;
  retryDelayMs?: number;
  breaker: CircuitBreaker;
  /** The largest non-streamed answer accepted (embeddings of a batch are the largest). */
  maxBodyBytes?: number;
  /** The longest line of a stream accepted. */
  maxLineBytes?: number;
}

interface Call {
  operation: RuntimeOperation;
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
}

export interface JsonCall<T> extends Call {
  schema: z.ZodType<T>;
}

/** What a decoder made of one line: events to hand on, and whether the stream is complete. */
export interface DecodedLine<E> {
  events: E[];
  end: boolean;
}

export type LineDecoder<E> = (line: string) => DecodedLine<E>;

export interface StreamCall<E> extends Call {
  /** A fresh decoder for each stream (decoders may hold state across lines). */
  decoder: () => LineDecoder<E>;
}

const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;
const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;
const DEFAULT_RETRY_DELAY_MS = 100;

/** Operations whose answer starts only when it is complete: no first-byte timeout, the total one. */
const ANSWERED_WHOLE: ReadonlySet<RuntimeOperation> = new Set(['chat', 'embed']);

export class RuntimeEndpoint {
  private readonly agent: HttpAgent;
  private readonly secure: boolean;
  private closed = false;

  constructor(private readonly options: RuntimeEndpointOptions) {
    const base = new URL(options.baseUrl);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new RangeError('the runtime URL must be http or https');
    this.secure = base.protocol === 'https:';
    this.agent = this.secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  }

  /** One request whose whole answer is JSON of the schema's shape. */
  async json<T>(call: JsonCall<T>, signal?: AbortSignal): Promise<T> {
    const pass = this.admit();
    const scope = new CallScope(this.options, call.operation, signal);
    let exchange: Exchange | undefined;
    try {
      exchange = await this.openWithRetries(call, scope);
      const value = await this.readJson(exchange, call);
      settle(pass);
      return value;
    } catch (error) {
      const failure = this.asRuntimeError(error, call.operation);
      settle(pass, failure);
      throw failure;
    } finally {
      exchange?.finish();
      scope.dispose();
    }
  }

  /** One request whose answer is a stream of lines, turned into events by the call's decoder. */
  async *stream<E>(call: StreamCall<E>, signal?: AbortSignal): AsyncGenerator<E, void, undefined> {
    const pass = this.admit();
    const scope = new CallScope(this.options, call.operation, signal);
    let exchange: Exchange | undefined;
    let outcome: LlmRuntimeError | 'complete' | 'abandoned' = 'abandoned';
    try {
      exchange = await this.openWithRetries(call, scope);
      const decode = call.decoder();
      for await (const line of this.linesOf(exchange, call.operation)) {
        const { events, end } = decode(line.endsWith('\r') ? line.slice(0, -1) : line);
        for (const event of events) yield event;
        if (end) {
          outcome = 'complete';
          return;
        }
      }
      throw new LlmRuntimeError(LlmRuntimeErrorCode.RuntimeStreamInterrupted, 'the model runtime closed the stream before its end', this.context(call.operation));
    } catch (error) {
      outcome = this.asRuntimeError(error, call.operation);
      throw outcome;
    } finally {
      exchange?.finish();
      scope.dispose();
      if (outcome === 'abandoned') pass.abandoned();
      else settle(pass, outcome === 'complete' ? undefined : outcome);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.agent.destroy();
  }

  private admit(): CircuitPass {
    if (this.closed) throw new LlmRuntimeError(LlmRuntimeErrorCode.RuntimeUnavailable, 'the model runtime client is closed', { runtime: this.options.runtime });
    return this.options.breaker.admit();
  }

  private context(operation: RuntimeOperation) {
    return { runtime: this.options.runtime, operation };
  }

  private async openWithRetries(call: Call, scope: CallScope): Promise<Exchange> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.open(call, scope);
      } catch (error) {
        const failure = this.asRuntimeError(error, call.operation);
        if (!nothingReceived(failure) || attempt >= this.options.retries || scope.aborted) throw failure;
        await scope.delay(this.options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS);
      }
    }
  }

  /** Sends the request; resolves with the exchange once a 2xx status line arrived. */
  private open(call: Call, scope: CallScope): Promise<Exchange> {
    const url = new URL(this.options.baseUrl.replace(/\/+$/, '') + call.path);
    const payload = call.body === undefined ? undefined : Buffer.from(JSON.stringify(call.body), 'utf8');
    const headers: Record<string, string> = {
      accept: call.operation === 'chat_stream' ? 'application/x-ndjson, text/event-stream' : 'application/json',
      ...this.options.headers,
      ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
    };
    const send = this.secure ? httpsRequest : httpRequest;
    const { timeouts } = this.options;
    return new Promise<Exchange>((resolve, reject) => {
      const request = send(url, { method: call.method, headers, agent: this.agent });
      const exchange = new Exchange(request, scope);
      const context = this.context(call.operation);
      const timeout = (phase: TimeoutPhase, ms: number) =>
        setTimeout(() => exchange.destroy(new LlmRuntimeError(LlmRuntimeErrorCode.RuntimeTimeout, `the model runtime did not answer in time (${phase})`, { ...context, phase })), ms);
      const firstByte = ANSWERED_WHOLE.has(call.operation) ? undefined : timeout('first_byte', timeouts.firstByteMs);
      let connect: NodeJS.Timeout | undefined;
      const clearTimers = () => {
        clearTimeout(firstByte);
        clearTimeout(connect);
      };
      request.on('socket', (socket: Socket) => {
        if (!socket.connecting) return;
        connect = timeout('connect', timeouts.connectMs);
        socket.once('connect', () => clearTimeout(connect));
      });
      request.on('error', (error) => {
        clearTimers();
        exchange.detach();
        reject(error);
      });
      request.on('response', (response) => {
        clearTimers();
        exchange.attach(response);
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) {
          resolve(exchange);
          return;
        }
        exchange.destroy(statusError(status, context));
        reject(statusError(status, context));
      });
      request.end(payload);
    });
  }

  private async readJson<T>(exchange: Exchange, call: JsonCall<T>): Promise<T> {
    const limit = this.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of exchange.chunks(this.options.timeouts.stallMs, this.context(call.operation))) {
      size += chunk.length;
      if (size > limit) throw this.badResponse(call.operation, 'the model runtime answered more than the size limit');
      chunks.push(chunk);
    }
    let value: unknown;
    try {
      value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      throw this.badResponse(call.operation, 'the model runtime answered something that is not JSON');
    }
    return parseAnswer(call.schema, value, this.context(call.operation));
  }

  private async *linesOf(exchange: Exchange, operation: RuntimeOperation): AsyncGenerator<string> {
    const limit = this.options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    const text = new TextDecoder('utf-8', { fatal: true });
    const decode = (bytes?: Buffer) => {
      try {
        return bytes ? text.decode(bytes, { stream: true }) : text.decode();
      } catch {
        throw this.badResponse(operation, 'the model runtime streamed bytes that are not UTF-8');
      }
    };
    let pending = '';
    for await (const chunk of exchange.chunks(this.options.timeouts.stallMs, this.context(operation))) {
      pending += decode(chunk);
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        yield pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
      }
      if (pending.length > limit) throw this.badResponse(operation, 'the model runtime streamed a line longer than the limit');
    }
    pending += decode();
    if (pending !== '') yield pending;
  }

  private badResponse(operation: RuntimeOperation, message: string): LlmRuntimeError {
    return new LlmRuntimeError(LlmRuntimeErrorCode.RuntimeBadResponse, message, this.context(operation));
  }

  /** Our own errors pass; anything else is the connection failing, before or during the answer. */
  private asRuntimeError(error: unknown, operation: RuntimeOperation): LlmRuntimeError {
    if (error instanceof LlmRuntimeError) return error;
    if (error instanceof AnswerStarted) {
      return new LlmRuntimeError(LlmRuntimeErrorCode.RuntimeStreamInterrupted, 'the connection to the model runtime closed in the middle of an answer', this.context(operation));
    }
    return new LlmRuntimeError(LlmRuntimeErrorCode.RuntimeUnavailable, 'the model runtime could not be reached', this.context(operation));
  }
}

/** Marks a connection error raised after the answer started (so it is an interruption, never retried). */
class AnswerStarted extends Error {}

/** The caller's signal and the total timeout of one call, across its attempts. */
class CallScope {
  private readonly controller = new AbortController();
  private readonly totalTimer: NodeJS.Timeout;
  private readonly onCallerAbort = () =>
    this.abort(new LlmRuntimeError(LlmRuntimeErrorCode.Cancelled, 'the call to the model runtime was cancelled', { runtime: this.options.runtime, operation: this.operation }));

  constructor(
    private readonly options: RuntimeEndpointOptions,
    private readonly operation: RuntimeOperation,
    private readonly callerSignal: AbortSignal | undefined,
  ) {
    this.totalTimer = setTimeout(
      () =>
        this.abort(
          new LlmRuntimeError(LlmRuntimeErrorCode.RuntimeTimeout, 'the model runtime did not answer in time (total)', {
            runtime: options.runtime,
            operation,
            phase: 'total',
          }),
        ),
      options.timeouts.totalMs,
    );
    if (callerSignal?.aborted) this.onCallerAbort();
    else callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  get aborted(): boolean {
    return this.controller.signal.aborted;
  }

  /** Runs `listener` with the reason when the call is aborted (at once if it already is); returns the unsubscribe. */
  onAbort(listener: (reason: LlmRuntimeError) => void): () => void {
    const signal = this.controller.signal;
    const run = () => listener(signal.reason as LlmRuntimeError);
    if (signal.aborted) {
      queueMicrotask(run);
      return () => undefined;
    }
    signal.addEventListener('abort', run, { once: true });
    return () => signal.removeEventListener('abort', run);
  }

  delay(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        unsubscribe();
        resolve();
      }, ms);
      const unsubscribe = this.onAbort((reason) => {
        clearTimeout(timer);
        reject(reason);
      });
    });
  }

  dispose(): void {
    clearTimeout(this.totalTimer);
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }

  private abort(reason: LlmRuntimeError): void {
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }
}

/** One HTTP request and its answer; destroying it closes the connection, which stops the runtime. */
class Exchange {
  private response: IncomingMessage | undefined;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly request: ClientRequest,
    scope: CallScope,
  ) {
    this.unsubscribe = scope.onAbort((reason) => this.destroy(reason));
  }

  attach(response: IncomingMessage): void {
    this.response = response;
    // Errors reach the reader through the iterator; this keeps one raised while nobody reads from crashing the process.
    response.on('error', () => undefined);
  }

  destroy(reason: LlmRuntimeError): void {
    this.response?.destroy(reason);
    this.request.destroy(reason);
  }

  detach(): void {
    this.unsubscribe();
  }

  /** The answer's body, chunk by chunk, failing when it is silent for longer than `stallMs`. */
  async *chunks(stallMs: number, context: { runtime: RuntimeKind; operation: RuntimeOperation }): AsyncGenerator<Buffer> {
    const iterator = this.response![Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    for (;;) {
      const stall = setTimeout(
        () => this.destroy(new LlmRuntimeError(LlmRuntimeErrorCode.RuntimeTimeout, 'the model runtime went silent in the middle of an answer (stall)', { ...context, phase: 'stall' })),
        stallMs,
      );
      let next: IteratorResult<Buffer>;
      try {
        next = await iterator.next();
      } catch (error) {
        throw error instanceof LlmRuntimeError ? error : new AnswerStarted();
      } finally {
        clearTimeout(stall);
      }
      if (next.done) return;
      yield next.value;
    }
  }

  /** After the call: an answer not read to its end is cut (the runtime stops), a complete one frees its connection. */
  finish(): void {
    this.unsubscribe();
    if (this.response?.complete) this.response.resume();
    else this.request.destroy();
  }
}

function settle(pass: CircuitPass, failure?: LlmRuntimeError): void {
  if (!failure) pass.succeeded();
  else if (isRuntimeFault(failure.code)) pass.failed();
  else if (failure.code === LlmRuntimeErrorCode.Cancelled) pass.abandoned();
  else pass.succeeded(); // refused by a runtime that answered: it is up
}

/** Only a connection that failed before any byte of an answer may be tried again. */
function nothingReceived(failure: LlmRuntimeError): boolean {
  if (failure.code === LlmRuntimeErrorCode.RuntimeUnavailable) return failure.details.status === undefined;
  return failure.code === LlmRuntimeErrorCode.RuntimeTimeout && failure.details.phase === 'connect';
}

function statusError(status: number, context: { runtime: RuntimeKind; operation: RuntimeOperation }): LlmRuntimeError {
  const details = { ...context, status };
  if (status === 404 && context.operation !== 'list_models') return new LlmRuntimeError(LlmRuntimeErrorCode.ModelNotFound, 'the model runtime does not have this model', details);
  if ([408, 429, 502, 503, 504].includes(status)) return new LlmRuntimeError(LlmRuntimeErrorCode.RuntimeUnavailable, `the model runtime is unavailable (${status})`, details);
  if (status >= 500) return new LlmRuntimeError(LlmRuntimeErrorCode.RuntimeFailed, `the model runtime failed (${status})`, details);
  if (status >= 400) return new LlmRuntimeError(LlmRuntimeErrorCode.RuntimeRejected, `the model runtime refused the request (${status})`, details);
  return new LlmRuntimeError(LlmRuntimeErrorCode.RuntimeBadResponse, `the model runtime answered with status ${status}`, details);
}

/** The value in the schema's shape, or runtime_bad_response (without zod's report, which can quote the value). */
export function parseAnswer<T>(schema: z.ZodType<T>, value: unknown, context: { runtime: RuntimeKind; operation: RuntimeOperation }): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new LlmRuntimeError(LlmRuntimeErrorCode.RuntimeBadResponse, 'the model runtime answered in an unexpected shape', context);
}
