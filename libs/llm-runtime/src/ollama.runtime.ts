// The Ollama adapter, as Ollama documents its API (docs/api.md): POST /api/chat (`stream` false
// for one JSON object, true for NDJSON lines ending with `"done": true`; the token counts
// `prompt_eval_count` and `eval_count` are left out when zero), POST /api/embed, GET /api/tags.
// An error in the middle of a stream comes as a line `{"error": "..."}`. It never calls the
// endpoints that pull, create, copy, push or delete models: nothing downloads by itself.
import { z } from 'zod';
import { LlmRuntimeError, LlmRuntimeErrorCode } from './llm-runtime.errors.js';
import type { ChatRequest, ChatResult, ChatStreamEvent, EmbeddingRequest, EmbeddingResult, InstalledModel, ModelRuntime } from './model-runtime.port.js';
import { finishReasonOf, parseJsonText } from './wire-format.js';
import { RuntimeEndpoint, parseAnswer, type DecodedLine, type LineDecoder, type RuntimeEndpointOptions } from './runtime-endpoint.js';

export type OllamaRuntimeOptions = Omit<RuntimeEndpointOptions, 'runtime' | 'headers'>;

const count = z.number().int().nonnegative().optional().default(0);

const ChatAnswer = z.object({
  message: z.object({ content: z.string() }),
  done: z.literal(true),
  done_reason: z.string().optional(),
  prompt_eval_count: count,
  eval_count: count,
});

const StreamLine = z.union([
  z.object({ error: z.string() }),
  z.object({
    message: z.object({ content: z.string() }).optional(),
    done: z.boolean(),
    done_reason: z.string().optional(),
    prompt_eval_count: count,
    eval_count: count,
  }),
]);

const EmbedAnswer = z.object({
  embeddings: z.array(z.array(z.number())),
  prompt_eval_count: count,
});

const TagsAnswer = z.object({
  models: z.array(z.object({ name: z.string().min(1), digest: z.string().regex(/^(sha256:)?[0-9a-f]{64}$/) })),
});

export class OllamaRuntime implements ModelRuntime {
  readonly kind = 'ollama' as const;
  private readonly endpoint: RuntimeEndpoint;

  constructor(options: OllamaRuntimeOptions) {
    this.endpoint = new RuntimeEndpoint({ ...options, runtime: this.kind });
  }

  async chat(request: ChatRequest, signal?: AbortSignal): Promise<ChatResult> {
    const answer = await this.endpoint.json({ operation: 'chat', method: 'POST', path: '/api/chat', body: chatBody(request, false), schema: ChatAnswer }, signal);
    return {
      content: answer.message.content,
      usage: { promptTokens: answer.prompt_eval_count, completionTokens: answer.eval_count },
      finishReason: finishReasonOf(answer.done_reason),
    };
  }

  chatStream(request: ChatRequest, signal?: AbortSignal): AsyncIterable<ChatStreamEvent> {
    return this.endpoint.stream({ operation: 'chat_stream', method: 'POST', path: '/api/chat', body: chatBody(request, true), decoder: () => this.decodeLine }, signal);
  }

  async embed(request: EmbeddingRequest, signal?: AbortSignal): Promise<EmbeddingResult> {
    // `truncate: false`: an input longer than the model's context is refused, as by OpenAI-compatible
    // servers, rather than embedded cut short without anyone knowing.
    const body = { model: request.model, input: request.inputs, truncate: false };
    const answer = await this.endpoint.json({ operation: 'embed', method: 'POST', path: '/api/embed', body, schema: EmbedAnswer }, signal);
    if (answer.embeddings.length !== request.inputs.length) {
      throw new LlmRuntimeError(LlmRuntimeErrorCode.RuntimeBadResponse, 'the model runtime answered a number of embeddings other than the number of inputs', { runtime: this.kind, operation: 'embed' });
    }
    return { vectors: answer.embeddings, promptTokens: answer.prompt_eval_count };
  }

  async listModels(signal?: AbortSignal): Promise<InstalledModel[]> {
    const answer = await this.endpoint.json({ operation: 'list_models', method: 'GET', path: '/api/tags', schema: TagsAnswer }, signal);
    return answer.models.map(({ name, digest }) => ({ name, digest: digest.replace(/^sha256:/, '') }));
  }

  close(): Promise<void> {
    return this.endpoint.close();
  }

  private readonly decodeLine: LineDecoder<ChatStreamEvent> = (line) => {
    if (line.trim() === '') return { events: [], end: false };
    const parsed = parseAnswer(StreamLine, parseJsonText(line), { runtime: this.kind, operation: 'chat_stream' });
    if ('error' in parsed) throw new LlmRuntimeError(LlmRuntimeErrorCode.RuntimeFailed, 'the model runtime reported an error in the middle of the stream', { runtime: this.kind, operation: 'chat_stream' });
    const content = parsed.message?.content ?? '';
    const events: ChatStreamEvent[] = content === '' ? [] : [{ type: 'delta', content }];
    if (!parsed.done) return { events, end: false };
    events.push({ type: 'end', usage: { promptTokens: parsed.prompt_eval_count, completionTokens: parsed.eval_count }, finishReason: finishReasonOf(parsed.done_reason) });
    return { events, end: true } satisfies DecodedLine<ChatStreamEvent>;
  };
}

function chatBody(request: ChatRequest, stream: boolean) {
  const options = {
    ...(request.maxTokens !== undefined ? { num_predict: request.maxTokens } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.topP !== undefined ? { top_p: request.topP } : {}),
    ...(request.stop && request.stop.length > 0 ? { stop: request.stop } : {}),
  };
  return {
    model: request.model,
    messages: request.messages.map(({ role, content }) => ({ role, content })),
    // Ollama streams unless told otherwise: always say which.
    stream,
    ...(Object.keys(options).length > 0 ? { options } : {}),
  };
}
