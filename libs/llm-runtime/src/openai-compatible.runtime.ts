// The adapter for OpenAI-compatible servers (vLLM first), as the OpenAI API reference and vLLM's
// server define them: POST /chat/completions (one JSON object, or server-sent events `data: {...}`
// ending with `data: [DONE]`; usage comes in a last chunk with no choices, and only when asked
// for with `stream_options.include_usage`, which is why every streamed request sets it),
// POST /embeddings, GET /models, all under the base URL (`http://vllm:8000/v1`). An error in the
// middle of a stream comes as a `data:` event holding an error object.
import { z } from 'zod';
import { LlmRuntimeError, LlmRuntimeErrorCode } from './llm-runtime.errors.js';
import type {
  ChatRequest,
  ChatResult,
  ChatStreamEvent,
  EmbeddingRequest,
  EmbeddingResult,
  InstalledModel,
  ModelRuntime,
  TokenUsage,
} from './model-runtime.port.js';
import { finishReasonOf, parseJsonText } from './wire-format.js';
import { RuntimeEndpoint, parseAnswer, type LineDecoder, type RuntimeEndpointOptions } from './runtime-endpoint.js';

export interface OpenAiCompatibleRuntimeOptions extends Omit<RuntimeEndpointOptions, 'runtime' | 'headers'> {
  /** Sent as `Authorization: Bearer <key>` (vLLM's `--api-key`). */
  apiKey?: string;
}

const count = z.number().int().nonnegative();

const Usage = z.object({ prompt_tokens: count, completion_tokens: count.nullish() });

const ChatAnswer = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().nullable() }), finish_reason: z.string().nullish() })).min(1),
  usage: Usage,
});

const StreamChunk = z.object({
  choices: z.array(z.object({ delta: z.object({ content: z.string().nullish() }), finish_reason: z.string().nullish() })),
  usage: Usage.nullish(),
});

const EmbeddingsAnswer = z.object({
  data: z.array(z.object({ index: z.number().int().nonnegative(), embedding: z.array(z.number()) })),
  usage: z.object({ prompt_tokens: count }),
});

const ModelsAnswer = z.object({ data: z.array(z.object({ id: z.string().min(1) })) });

const DONE = '[DONE]';

/** The most characters one server-sent event may carry (its data lines together): a chunk of an answer is a few tokens. */
const MAX_EVENT_CHARS = 1024 * 1024;

export class OpenAiCompatibleRuntime implements ModelRuntime {
  readonly kind = 'openai-compatible' as const;
  private readonly endpoint: RuntimeEndpoint;

  constructor({ apiKey, ...options }: OpenAiCompatibleRuntimeOptions) {
    this.endpoint = new RuntimeEndpoint({ ...options, runtime: this.kind, ...(apiKey ? { headers: { authorization: `Bearer ${apiKey}` } } : {}) });
  }

  async chat(request: ChatRequest, signal?: AbortSignal): Promise<ChatResult> {
    const answer = await this.endpoint.json({ operation: 'chat', method: 'POST', path: '/chat/completions', body: chatBody(request, false), schema: ChatAnswer }, signal);
    const [choice] = answer.choices;
    return { content: choice!.message.content ?? '', usage: usageOf(answer.usage), finishReason: finishReasonOf(choice!.finish_reason) };
  }

  chatStream(request: ChatRequest, signal?: AbortSignal): AsyncIterable<ChatStreamEvent> {
    return this.endpoint.stream(
      { operation: 'chat_stream', method: 'POST', path: '/chat/completions', body: chatBody(request, true), decoder: () => this.eventDecoder() },
      signal,
    );
  }

  async embed(request: EmbeddingRequest, signal?: AbortSignal): Promise<EmbeddingResult> {
    const body = { model: request.model, input: request.inputs, encoding_format: 'float' };
    const answer = await this.endpoint.json({ operation: 'embed', method: 'POST', path: '/embeddings', body, schema: EmbeddingsAnswer }, signal);
    const data = [...answer.data].sort((a, b) => a.index - b.index);
    if (data.length !== request.inputs.length || data.some((item, position) => item.index !== position)) {
      throw new LlmRuntimeError(LlmRuntimeErrorCode.RuntimeBadResponse, 'the model runtime did not answer one embedding per input', { runtime: this.kind, operation: 'embed' });
    }
    const vectors = data.map((item) => item.embedding);
    return { vectors, promptTokens: answer.usage.prompt_tokens };
  }

  async listModels(signal?: AbortSignal): Promise<InstalledModel[]> {
    const answer = await this.endpoint.json({ operation: 'list_models', method: 'GET', path: '/models', schema: ModelsAnswer }, signal);
    return answer.data.map(({ id }) => ({ name: id }));
  }

  close(): Promise<void> {
    return this.endpoint.close();
  }

  /** Server-sent events: `data:` lines gathered until a blank line, then read as one chunk. */
  private eventDecoder(): LineDecoder<ChatStreamEvent> {
    const context = { runtime: this.kind, operation: 'chat_stream' as const };
    let data: string[] = [];
    let dataLength = 0;
    let usage: TokenUsage | undefined;
    let finishReason: ChatResult['finishReason'] = 'stop';
    return (line) => {
      if (line.startsWith('data:')) {
        const piece = line.slice(line.startsWith('data: ') ? 6 : 5);
        // Each line is bounded by the endpoint; an event of endless data lines is bounded here.
        dataLength += piece.length + 1;
        if (dataLength > MAX_EVENT_CHARS) throw new LlmRuntimeError(LlmRuntimeErrorCode.RuntimeBadResponse, 'the model runtime sent an event larger than any chunk of an answer', context);
        data.push(piece);
        return { events: [], end: false };
      }
      if (line !== '' || data.length === 0) return { events: [], end: false }; // comments, other fields, stray blank lines
      const payload = data.join('\n');
      data = [];
      dataLength = 0;
      if (payload === DONE) {
        if (!usage) throw new LlmRuntimeError(LlmRuntimeErrorCode.RuntimeBadResponse, 'the model runtime ended the stream without the usage it was asked for', context);
        return { events: [{ type: 'end', usage, finishReason }], end: true };
      }
      const value = parseJsonText(payload);
      if (isErrorObject(value)) throw new LlmRuntimeError(LlmRuntimeErrorCode.RuntimeFailed, 'the model runtime reported an error in the middle of the stream', context);
      const chunk = parseAnswer(StreamChunk, value, context);
      if (chunk.usage) usage = usageOf(chunk.usage);
      const events: ChatStreamEvent[] = [];
      for (const choice of chunk.choices) {
        if (choice.delta.content) events.push({ type: 'delta', content: choice.delta.content });
        if (choice.finish_reason) finishReason = finishReasonOf(choice.finish_reason);
      }
      return { events, end: false };
    };
  }
}

function chatBody(request: ChatRequest, stream: boolean) {
  return {
    model: request.model,
    messages: request.messages.map(({ role, content }) => ({ role, content })),
    stream,
    ...(stream ? { stream_options: { include_usage: true } } : {}),
    ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.topP !== undefined ? { top_p: request.topP } : {}),
    // Always a list: OpenAI's API and vLLM take one string or a list.
    ...(request.stop && request.stop.length > 0 ? { stop: request.stop } : {}),
  };
}

function usageOf(usage: z.infer<typeof Usage>): TokenUsage {
  return { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens ?? 0 };
}

/** OpenAI's `{"error": {...}}`, or vLLM's older `{"object": "error", ...}`. */
function isErrorObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && ('error' in value || (value as { object?: unknown }).object === 'error');
}
