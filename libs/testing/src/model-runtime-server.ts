// A stand-in for a model runtime, for tests: a real HTTP server on 127.0.0.1 that speaks Ollama's
// API (POST /api/chat, POST /api/embed, GET /api/tags, as in Ollama's docs/api.md: NDJSON streams
// ending with `"done": true`, counts left out when zero, errors as `{"error": "..."}`) and the
// OpenAI API as vLLM serves it (POST /v1/chat/completions, POST /v1/embeddings, GET /v1/models:
// server-sent events ending with `data: [DONE]`, usage in a last chunk without choices only when
// `stream_options.include_usage` asks for it, errors as `{"error": {...}}`). Answers are
// deterministic: the reply is a function of the prompt (by default "Echo: " and the last user
// message), one token per word, ended before the first stop sequence it holds (Ollama's
// `options.stop`, OpenAI's `stop`: the sequence itself is left out); embeddings are derived from a
// hash of each input. It records every request it receives, body included (so a test can check
// what reached the model), and every generation (tokens written, whether the client went away).
// Behaviours make it misbehave the way runtimes do: latency, a slow stream, bytes split anywhere,
// garbage, a stop or a stall in the middle, an error status, an error inside the stream,
// connections dropped before any answer.
import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServedModel {
  /** As Ollama lists it (`name:tag`) and as the OpenAI dialect serves it. */
  name: string;
  /** Reported by /api/tags (64 lower-case hex digits). */
  digest: string;
}

export interface RecordedModelRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The body as received. */
  rawBody: string;
  /** The body parsed as JSON, or undefined. */
  body: unknown;
}

export interface GenerationRecord {
  path: string;
  stream: boolean;
  /** Tokens the server generated (and, when streaming, wrote) so far. */
  tokens: number;
  /** `aborted`: the client closed the connection before the end; `broken`: a behaviour cut it. */
  state: 'running' | 'completed' | 'aborted' | 'broken';
  /** When the server saw the client go away (Date.now()). */
  abortedAt?: number;
}

export interface ModelRuntimeBehaviour {
  /** Wait this long before the status line. */
  latencyMs?: number;
  /** Wait this long before each token (a slow stream; a slow generation when not streaming). */
  tokenIntervalMs?: number;
  /** Write every answer in pieces of this many bytes, each written apart: tokens, lines and UTF-8 characters split anywhere. */
  splitBytes?: number;
  /** Answer chats, embeddings and lists with this status and the dialect's error body. */
  status?: number;
  /** Answer something other than the wire format: text that is not JSON, or JSON of another shape; in a stream, after `afterTokens` tokens. */
  garbage?: { kind: 'json' | 'shape'; afterTokens?: number };
  /**
   * Stop after `afterTokens` tokens: `destroy` the connection, or `end` the answer cleanly but
   * without its end marker. A non-streamed answer stops halfway through its body.
   */
  stop?: { afterTokens: number; how: 'destroy' | 'end' };
  /** Stop writing after this many tokens and keep the connection open (a non-streamed answer: halfway through its body). */
  stallAfterTokens?: number;
  /** Report an error inside the stream, as the dialect does, after this many tokens. */
  streamErrorAfterTokens?: number;
  /** Close this many connections at once, before any byte of an answer (counts down). */
  dropConnections?: number;
}

export interface ModelRuntimeServerOptions {
  models?: ServedModel[];
  /** The reply to a chat; by default echoReply. */
  reply?: (messages: ChatTurn[]) => string;
  /** Length of the embedding vectors. */
  dimensions?: number;
  /** When set, the OpenAI dialect wants `Authorization: Bearer <apiKey>` (as vLLM with --api-key). */
  apiKey?: string;
}

export interface ChatTurn {
  role: string;
  content: string;
}

/** The default reply: "Echo: " and the content of the last user message. */
export function echoReply(messages: ChatTurn[]): string {
  const user = messages.filter((message) => message.role === 'user').at(-1);
  return `Echo: ${user?.content ?? ''}`;
}

/** The tokens the server streams for a reply: one per word, with the spaces that follow it. */
export function tokensOf(text: string): string[] {
  return text.match(/\s*\S+\s*|\s+/g) ?? [];
}

/** The reply up to the first of the stop sequences it holds, which is left out (as runtimes do). */
export function beforeStop(reply: string, stop: readonly string[]): string {
  const ends = stop.map((sequence) => reply.indexOf(sequence)).filter((at) => at !== -1);
  return ends.length === 0 ? reply : reply.slice(0, Math.min(...ends));
}

/** The prompt tokens the server counts: one per word of every message. */
export function promptTokensOf(texts: string[]): number {
  return texts.reduce((sum, text) => sum + (text.match(/\S+/g)?.length ?? 0), 0);
}

/** The vector the server answers for `text`: bytes of a SHA-256 chain mapped onto [-1, 1]. */
export function embeddingOf(text: string, dimensions = 8): number[] {
  const values: number[] = [];
  let block = createHash('sha256').update(text, 'utf8').digest();
  while (values.length < dimensions) {
    for (const byte of block) if (values.length < dimensions) values.push(Math.round((byte / 127.5 - 1) * 1e6) / 1e6);
    block = createHash('sha256').update(block).digest();
  }
  return values;
}

export const DEFAULT_SERVED_MODEL: ServedModel = {
  name: 'gardien-test:latest',
  digest: createHash('sha256').update('gardien-test').digest('hex'),
};

type Dialect = 'ollama' | 'openai';

interface Exchange {
  request: IncomingMessage;
  response: ServerResponse;
  dialect: Dialect;
  body: Record<string, unknown>;
  closed: boolean;
}

interface ParsedChat {
  model: string;
  messages: ChatTurn[];
  stream: boolean;
  maxTokens: number | undefined;
  stop: string[];
  includeUsage: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class ModelRuntimeServer {
  readonly requests: RecordedModelRequest[] = [];
  readonly generations: GenerationRecord[] = [];
  behaviour: ModelRuntimeBehaviour = {};
  private models: ServedModel[];
  private server: Server | undefined;
  private port = 0;
  private readonly abortWaiters: Array<(record: GenerationRecord) => void> = [];
  private readonly reported = new Set<GenerationRecord>();
  private readonly reply: (messages: ChatTurn[]) => string;
  private readonly dimensions: number;

  constructor(private readonly options: ModelRuntimeServerOptions = {}) {
    this.models = options.models ?? [DEFAULT_SERVED_MODEL];
    this.reply = options.reply ?? echoReply;
    this.dimensions = options.dimensions ?? 8;
  }

  /** `http://127.0.0.1:<port>`: Ollama's base URL. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The OpenAI dialect's base URL, `/v1` included. */
  get openAiBaseUrl(): string {
    return `${this.url}/v1`;
  }

  /** Listens on loopback, on `port` (any free one by default). */
  async start(port = 0): Promise<string> {
    const server = createServer((request, response) => void this.handle(request, response)).listen(port, '127.0.0.1');
    await once(server, 'listening');
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this.url;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = once(server, 'close');
    server.close();
    server.closeAllConnections();
    await closed;
  }

  /** Replaces the behaviour (an empty object: answer well). */
  behave(behaviour: ModelRuntimeBehaviour): void {
    this.behaviour = { ...behaviour };
  }

  setModels(models: ServedModel[]): void {
    this.models = models;
  }

  /** The requests received on `path` (e.g. '/api/chat'). */
  requestsTo(path: string): RecordedModelRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  /** The next generation the client walks away from (or the first already abandoned and not yet reported). */
  waitForAbort(timeoutMs = 5_000): Promise<GenerationRecord> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.abortWaiters.splice(this.abortWaiters.indexOf(waiter), 1);
        reject(new Error(`no client abort within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (record: GenerationRecord) => {
        clearTimeout(timer);
        resolve(record);
      };
      const already = this.generations.find((record) => record.state === 'aborted' && !this.reported.has(record));
      if (already) {
        this.reported.add(already);
        waiter(already);
        return;
      }
      this.abortWaiters.push(waiter);
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const rawBody = await readBody(request);
    const path = new URL(request.url ?? '/', 'http://runtime').pathname;
    const body = parseJson(rawBody);
    this.requests.push({ method: request.method ?? '', path, headers: request.headers, rawBody, body });
    const dialect: Dialect = path.startsWith('/v1/') ? 'openai' : 'ollama';
    const exchange: Exchange = { request, response, dialect, body: isObject(body) ? body : {}, closed: false };
    response.on('close', () => {
      exchange.closed = true;
    });
    if ((this.behaviour.dropConnections ?? 0) > 0) {
      this.behaviour.dropConnections! -= 1;
      request.socket.destroy();
      return;
    }
    const route = `${request.method} ${path}`;
    if (dialect === 'openai' && this.options.apiKey && request.headers.authorization !== `Bearer ${this.options.apiKey}`) {
      await this.answerJson(exchange, 401, { error: 'Unauthorized' });
      return;
    }
    switch (route) {
      case 'POST /api/chat':
      case 'POST /v1/chat/completions':
        await this.chat(exchange, rawBody);
        return;
      case 'POST /api/embed':
      case 'POST /v1/embeddings':
        await this.embed(exchange, rawBody);
        return;
      case 'GET /api/tags':
      case 'GET /v1/models':
        await this.list(exchange);
        return;
      default:
        if (dialect === 'openai') await this.answerJson(exchange, 404, { detail: 'Not Found' });
        else await this.answer(exchange, 404, 'text/plain', '404 page not found');
    }
  }

  private async chat(exchange: Exchange, rawBody: string): Promise<void> {
    const chat = this.parseChat(exchange, rawBody);
    if (!chat || !(await this.prelude(exchange, chat.model))) return;
    const reply = tokensOf(beforeStop(this.reply(chat.messages), chat.stop));
    const tokens = chat.maxTokens === undefined ? reply : reply.slice(0, chat.maxTokens);
    const finishReason = tokens.length < reply.length ? 'length' : 'stop';
    const usage = { prompt: promptTokensOf(chat.messages.map((message) => message.content)), completion: tokens.length };
    const record: GenerationRecord = { path: exchange.request.url ?? '', stream: chat.stream, tokens: 0, state: 'running' };
    this.generations.push(record);
    exchange.response.on('close', () => {
      if (record.state !== 'running') return;
      record.state = 'aborted';
      record.abortedAt = Date.now();
      const waiter = this.abortWaiters.shift();
      if (waiter) {
        this.reported.add(record);
        waiter(record);
      }
    });
    const wire = exchange.dialect === 'ollama' ? new OllamaWire(chat.model) : new OpenAiWire(chat.model, chat.includeUsage);
    if (chat.stream) await this.streamChat(exchange, record, wire, tokens, finishReason, usage);
    else await this.wholeChat(exchange, record, wire, tokens, finishReason, usage);
  }

  private async streamChat(exchange: Exchange, record: GenerationRecord, wire: ChatWire, tokens: string[], finishReason: string, usage: Usage): Promise<void> {
    const { behaviour } = this;
    exchange.response.writeHead(200, { 'content-type': wire.streamContentType });
    exchange.response.flushHeaders();
    await this.write(exchange, wire.streamStart());
    for (let index = 0; index <= tokens.length; index += 1) {
      if (exchange.closed) return;
      if (behaviour.garbage && (behaviour.garbage.afterTokens ?? 0) === index) {
        await this.write(exchange, wire.streamGarbage(behaviour.garbage.kind));
        return this.breakOff(exchange, record, 'end');
      }
      if (behaviour.stop?.afterTokens === index) return this.breakOff(exchange, record, behaviour.stop.how);
      if (behaviour.stallAfterTokens === index) {
        record.state = 'broken';
        return; // the connection stays open until the client or stop() closes it
      }
      if (behaviour.streamErrorAfterTokens === index) {
        await this.write(exchange, wire.streamError());
        return this.breakOff(exchange, record, 'end');
      }
      if (index === tokens.length) break;
      if (behaviour.tokenIntervalMs) await sleep(behaviour.tokenIntervalMs);
      if (exchange.closed) return;
      record.tokens += 1;
      await this.write(exchange, wire.streamToken(tokens[index]!, index === tokens.length - 1 ? finishReason : undefined));
    }
    if (exchange.closed) return;
    record.state = 'completed';
    await this.write(exchange, wire.streamEnd(finishReason, usage, tokens.length === 0));
    exchange.response.end();
  }

  private async wholeChat(exchange: Exchange, record: GenerationRecord, wire: ChatWire, tokens: string[], finishReason: string, usage: Usage): Promise<void> {
    const { behaviour } = this;
    for (let index = 0; index < tokens.length; index += 1) {
      if (behaviour.tokenIntervalMs) await sleep(behaviour.tokenIntervalMs);
      if (exchange.closed) return;
      record.tokens += 1;
    }
    const body = behaviour.garbage ? garbageBody(behaviour.garbage.kind) : JSON.stringify(wire.whole(tokens.join(''), finishReason, usage));
    const cut = behaviour.stop ?? (behaviour.stallAfterTokens !== undefined ? { how: 'stall' as const } : undefined);
    if (!cut) {
      record.state = 'completed';
      await this.answer(exchange, 200, 'application/json; charset=utf-8', body);
      return;
    }
    // Headers promise the whole body; half of it comes, then the connection is cut or goes silent.
    exchange.response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)) });
    await this.write(exchange, body.slice(0, Math.floor(body.length / 2)));
    if (cut.how === 'stall') {
      record.state = 'broken';
      return;
    }
    return this.breakOff(exchange, record, cut.how);
  }

  private async embed(exchange: Exchange, rawBody: string): Promise<void> {
    const { model, input } = exchange.body;
    const inputs = typeof input === 'string' ? [input] : Array.isArray(input) && input.every((item) => typeof item === 'string') ? (input as string[]) : undefined;
    if (typeof model !== 'string' || !inputs) {
      await this.answerError(exchange, 400, isObject(parseJson(rawBody)) ? 'invalid input type' : 'invalid JSON body');
      return;
    }
    if (!(await this.prelude(exchange, model))) return;
    if (this.behaviour.garbage) {
      await this.answer(exchange, 200, 'application/json; charset=utf-8', garbageBody(this.behaviour.garbage.kind));
      return;
    }
    const vectors = inputs.map((text) => embeddingOf(text, this.dimensions));
    const promptTokens = promptTokensOf(inputs);
    const body =
      exchange.dialect === 'ollama'
        ? { model, embeddings: vectors, total_duration: 14_143_917, load_duration: 1_019_500, ...(promptTokens > 0 ? { prompt_eval_count: promptTokens } : {}) }
        : {
            id: `embd-${randomUUID().replaceAll('-', '')}`,
            object: 'list',
            created: unixTime(),
            model,
            data: vectors.map((embedding, index) => ({ index, object: 'embedding', embedding })),
            usage: { prompt_tokens: promptTokens, total_tokens: promptTokens, completion_tokens: 0, prompt_tokens_details: null },
          };
    await this.answerJson(exchange, 200, body);
  }

  private async list(exchange: Exchange): Promise<void> {
    if (!(await this.prelude(exchange))) return;
    if (this.behaviour.garbage) {
      await this.answer(exchange, 200, 'application/json; charset=utf-8', garbageBody(this.behaviour.garbage.kind));
      return;
    }
    const created = unixTime();
    const body =
      exchange.dialect === 'ollama'
        ? {
            models: this.models.map(({ name, digest }) => ({
              name,
              model: name,
              modified_at: '2026-11-04T14:56:49.277302595+01:00',
              size: 7_365_960_935,
              digest,
              details: { parent_model: '', format: 'gguf', family: 'llama', families: ['llama'], parameter_size: '1B', quantization_level: 'Q4_0' },
            })),
          }
        : {
            object: 'list',
            data: this.models.map(({ name }) => ({
              id: name,
              object: 'model',
              created,
              owned_by: 'vllm',
              root: name,
              parent: null,
              max_model_len: 4096,
              permission: [
                {
                  id: `modelperm-${randomUUID().replaceAll('-', '')}`,
                  object: 'model_permission',
                  created,
                  allow_create_engine: false,
                  allow_sampling: true,
                  allow_logprobs: true,
                  allow_search_indices: false,
                  allow_view: true,
                  allow_fine_tuning: false,
                  organization: '*',
                  group: null,
                  is_blocking: false,
                },
              ],
            })),
          };
    await this.answerJson(exchange, 200, body);
  }

  /** What every answer goes through first: latency, an error status, the model known. False when answered already. */
  private async prelude(exchange: Exchange, model?: string): Promise<boolean> {
    if (this.behaviour.latencyMs) await sleep(this.behaviour.latencyMs);
    if (exchange.closed) return false;
    if (this.behaviour.status) {
      await this.answerError(exchange, this.behaviour.status, 'the runtime was told to fail');
      return false;
    }
    if (model !== undefined && !this.serves(model, exchange.dialect)) {
      const message = exchange.dialect === 'ollama' ? `model "${model}" not found, try pulling it first` : `The model \`${model}\` does not exist.`;
      await this.answerError(exchange, 404, message);
      return false;
    }
    return true;
  }

  private serves(model: string, dialect: Dialect): boolean {
    const name = dialect === 'ollama' && !model.includes(':') ? `${model}:latest` : model;
    return this.models.some((served) => served.name === name);
  }

  private parseChat(exchange: Exchange, rawBody: string): ParsedChat | undefined {
    const { model, messages, stream, options, max_tokens: maxTokens, max_completion_tokens: maxCompletionTokens, stream_options: streamOptions } = exchange.body;
    const turns = Array.isArray(messages) && messages.every((message) => isObject(message) && typeof message['role'] === 'string' && typeof message['content'] === 'string');
    if (typeof model !== 'string' || !turns) {
      void this.answerError(exchange, 400, isObject(parseJson(rawBody)) ? 'model and messages are required' : 'invalid JSON body');
      return undefined;
    }
    const limit = exchange.dialect === 'ollama' ? (isObject(options) ? options['num_predict'] : undefined) : (maxCompletionTokens ?? maxTokens);
    const stop = exchange.dialect === 'ollama' ? (isObject(options) ? options['stop'] : undefined) : exchange.body['stop'];
    return {
      model,
      messages: messages as ChatTurn[],
      // Ollama streams unless told not to; the OpenAI API does not unless told to.
      stream: exchange.dialect === 'ollama' ? stream !== false : stream === true,
      maxTokens: typeof limit === 'number' && limit >= 0 ? limit : undefined,
      stop: (typeof stop === 'string' ? [stop] : Array.isArray(stop) ? stop : []).filter((sequence): sequence is string => typeof sequence === 'string' && sequence !== ''),
      includeUsage: isObject(streamOptions) && streamOptions['include_usage'] === true,
    };
  }

  private breakOff(exchange: Exchange, record: GenerationRecord, how: 'destroy' | 'end'): void {
    record.state = 'broken';
    if (how === 'destroy') exchange.response.socket?.destroy();
    else exchange.response.end();
  }

  private async answerError(exchange: Exchange, status: number, message: string): Promise<void> {
    const body =
      exchange.dialect === 'ollama'
        ? { error: message }
        : { error: { message, type: status === 404 ? 'NotFoundError' : status < 500 ? 'BadRequestError' : 'InternalServerError', param: status === 404 ? 'model' : null, code: status } };
    await this.answerJson(exchange, status, body);
  }

  private answerJson(exchange: Exchange, status: number, body: unknown): Promise<void> {
    return this.answer(exchange, status, 'application/json; charset=utf-8', JSON.stringify(body));
  }

  private async answer(exchange: Exchange, status: number, contentType: string, body: string): Promise<void> {
    if (exchange.closed) return;
    exchange.response.writeHead(status, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)) });
    await this.write(exchange, body);
    exchange.response.end();
  }

  /** Writes `text`, in pieces of `splitBytes` bytes when asked (each written on its own); resolves once it is handed to the kernel. */
  private async write(exchange: Exchange, text: string): Promise<void> {
    const bytes = Buffer.from(text, 'utf8');
    const size = this.behaviour.splitBytes ?? bytes.length;
    for (let at = 0; at < bytes.length; at += size) {
      if (at > 0) await new Promise((resolve) => setImmediate(resolve));
      if (exchange.closed) return;
      await new Promise<void>((resolve) => exchange.response.write(bytes.subarray(at, at + size), () => resolve()));
    }
  }
}

interface Usage {
  prompt: number;
  completion: number;
}

interface ChatWire {
  readonly streamContentType: string;
  streamStart(): string;
  streamToken(token: string, finishReason: string | undefined): string;
  streamEnd(finishReason: string, usage: Usage, noTokens: boolean): string;
  streamError(): string;
  streamGarbage(kind: 'json' | 'shape'): string;
  whole(content: string, finishReason: string, usage: Usage): unknown;
}

/** Ollama's /api/chat: NDJSON lines; the last has `done: true`, the durations and the counts (left out when zero, as Go's omitempty does). */
class OllamaWire implements ChatWire {
  readonly streamContentType = 'application/x-ndjson';

  constructor(private readonly model: string) {}

  streamStart(): string {
    return '';
  }

  streamToken(token: string): string {
    return `${JSON.stringify({ model: this.model, created_at: new Date().toISOString(), message: { role: 'assistant', content: token }, done: false })}\n`;
  }

  streamEnd(finishReason: string, usage: Usage): string {
    return `${JSON.stringify(this.final('', finishReason, usage))}\n`;
  }

  streamError(): string {
    return `${JSON.stringify({ error: 'an error was encountered while running the model' })}\n`;
  }

  streamGarbage(kind: 'json' | 'shape'): string {
    return `${garbageBody(kind)}\n`;
  }

  whole(content: string, finishReason: string, usage: Usage): unknown {
    return this.final(content, finishReason, usage);
  }

  private final(content: string, finishReason: string, usage: Usage) {
    return {
      model: this.model,
      created_at: new Date().toISOString(),
      message: { role: 'assistant', content },
      done_reason: finishReason,
      done: true,
      total_duration: 4_883_583_458,
      load_duration: 1_334_875,
      ...(usage.prompt > 0 ? { prompt_eval_count: usage.prompt } : {}),
      prompt_eval_duration: 342_546_000,
      ...(usage.completion > 0 ? { eval_count: usage.completion } : {}),
      eval_duration: 4_535_599_000,
    };
  }
}

/** vLLM's /v1/chat/completions: `data:` events; a first chunk with the role, one per token, the usage chunk if asked for, `[DONE]`. */
class OpenAiWire implements ChatWire {
  readonly streamContentType = 'text/event-stream; charset=utf-8';
  private readonly id = `chatcmpl-${randomUUID().replaceAll('-', '')}`;
  private readonly created = unixTime();

  constructor(
    private readonly model: string,
    private readonly includeUsage: boolean,
  ) {}

  streamStart(): string {
    return this.event([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]);
  }

  streamToken(token: string, finishReason: string | undefined): string {
    return this.event([{ index: 0, delta: { content: token }, logprobs: null, finish_reason: finishReason ?? null, ...(finishReason ? { stop_reason: null } : {}) }]);
  }

  streamEnd(finishReason: string, usage: Usage, noTokens: boolean): string {
    const last = noTokens ? this.event([{ index: 0, delta: { content: '' }, logprobs: null, finish_reason: finishReason, stop_reason: null }]) : '';
    const usageChunk = this.includeUsage ? `data: ${JSON.stringify({ ...this.head(), choices: [], usage: this.usage(usage) })}\n\n` : '';
    return `${last}${usageChunk}data: [DONE]\n\n`;
  }

  streamError(): string {
    return `data: ${JSON.stringify({ error: { message: 'an error was encountered while running the model', type: 'InternalServerError', param: null, code: 500 } })}\n\ndata: [DONE]\n\n`;
  }

  streamGarbage(kind: 'json' | 'shape'): string {
    return `data: ${garbageBody(kind)}\n\n`;
  }

  whole(content: string, finishReason: string, usage: Usage): unknown {
    return {
      id: this.id,
      object: 'chat.completion',
      created: this.created,
      model: this.model,
      choices: [{ index: 0, message: { role: 'assistant', reasoning_content: null, content, tool_calls: [] }, logprobs: null, finish_reason: finishReason, stop_reason: null }],
      usage: this.usage(usage),
      prompt_logprobs: null,
    };
  }

  private head() {
    return { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model };
  }

  private event(choices: unknown[]): string {
    return `data: ${JSON.stringify({ ...this.head(), choices, ...(this.includeUsage ? { usage: null } : {}) })}\n\n`;
  }

  private usage(usage: Usage) {
    return { prompt_tokens: usage.prompt, total_tokens: usage.prompt + usage.completion, completion_tokens: usage.completion, prompt_tokens_details: null };
  }
}

function garbageBody(kind: 'json' | 'shape'): string {
  return kind === 'json' ? '{"model": "gardien-test", "message": {"content": "unfinished' : JSON.stringify({ unexpected: true, choices: 'none' });
}

function unixTime(): number {
  return Math.floor(Date.now() / 1000);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
