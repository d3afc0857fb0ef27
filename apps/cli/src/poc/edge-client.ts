// The proof of concept speaks to the platform as any application does: HTTP to the edge, JSON in
// and out, a bearer token, and /v1/chat/completions streamed as server-sent events. Each call is
// timed from the moment it is sent; a call that cannot reach the edge at all is told apart (the
// platform is not running) from one the platform answers with an error.
export interface EdgeAnswer {
  status: number;
  body: unknown;
  ms: number;
}

/** The edge could not be reached (refused, reset, name unknown): not an answer of the platform. */
export class EdgeUnreachable extends Error {
  override readonly name = 'EdgeUnreachable';
}

export class CallTimedOut extends Error {
  override readonly name = 'CallTimedOut';
}

export interface StreamedAnswer {
  status: number;
  /** From the request to the first piece of the answer; undefined when none came. */
  ttftMs: number | undefined;
  ms: number;
  completionTokens: number | undefined;
  /** The stream ended with [DONE], no error event on the way. */
  complete: boolean;
}

interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  timeoutMs: number;
}

export class EdgeClient {
  constructor(readonly baseUrl: string) {}

  async call(method: string, path: string, options: CallOptions): Promise<EdgeAnswer> {
    const started = performance.now();
    const response = await this.send(method, path, options);
    const text = await readWithin(response.text());
    const ms = performance.now() - started;
    let body: unknown = text;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON: kept as text, never printed
    }
    return { status: response.status, body, ms };
  }

  /** POST /v1/chat/completions with stream: true, read to its end. */
  async streamChat(body: Record<string, unknown>, options: Omit<CallOptions, 'body'>): Promise<StreamedAnswer> {
    const started = performance.now();
    const response = await this.send('POST', '/v1/chat/completions', { ...options, body: { ...body, stream: true, stream_options: { include_usage: true } } });
    if (!response.ok || !response.body) {
      await response.text().catch(() => '');
      return { status: response.status, ttftMs: undefined, ms: performance.now() - started, completionTokens: undefined, complete: false };
    }
    let ttftMs: number | undefined;
    let completionTokens: number | undefined;
    let complete = false;
    let failed = false;
    let pending = '';
    const decoder = new TextDecoder();
    // The request's own deadline (the signal of send) also ends the reading of its body.
    for await (const bytes of timedOut(response.body as AsyncIterable<Uint8Array>)) {
      pending += decoder.decode(bytes, { stream: true });
      let end: number;
      while ((end = pending.indexOf('\n\n')) !== -1) {
        const event = pending.slice(0, end);
        pending = pending.slice(end + 2);
        for (const line of event.split('\n')) {
          if (!line.startsWith('data: ')) continue;
          const data = line.slice(6);
          if (data === '[DONE]') {
            complete = !failed;
            continue;
          }
          const chunk = JSON.parse(data) as { error?: unknown; choices?: Array<{ delta?: { content?: string } }>; usage?: { completion_tokens?: number } | null };
          if (chunk.error) failed = true;
          if (ttftMs === undefined && chunk.choices?.some((choice) => (choice.delta?.content ?? '') !== '')) ttftMs = performance.now() - started;
          if (chunk.usage?.completion_tokens !== undefined) completionTokens = chunk.usage.completion_tokens;
        }
      }
    }
    return { status: response.status, ttftMs, ms: performance.now() - started, completionTokens, complete };
  }

  private async send(method: string, path: string, options: CallOptions): Promise<Response> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    try {
      return await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        signal: AbortSignal.timeout(options.timeoutMs),
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      });
    } catch (error) {
      if (isDeadline(error)) throw new CallTimedOut(`${method} ${path} did not answer in time`);
      throw new EdgeUnreachable(`${this.baseUrl} does not answer (${causeCode(error)})`);
    }
  }
}

const isDeadline = (error: unknown): boolean => (error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError';

/** A body read past the request's deadline: CallTimedOut. */
async function readWithin<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (isDeadline(error)) throw new CallTimedOut('no whole answer in time');
    throw error;
  }
}

async function* timedOut<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield* source;
  } catch (error) {
    if (isDeadline(error)) throw new CallTimedOut('the stream did not end in time');
    throw error;
  }
}

function causeCode(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ?? 'fetch failed';
}
