// The port every model runtime adapter implements (Ollama, OpenAI-compatible such as vLLM, and the
// embedded llama.cpp runtime). What crosses it is already pseudonymised by the gateway; the
// adapters add nothing to it and log nothing of it. Failures are LlmRuntimeError with a code.

/** Injection token for the gateway's runtime (e.g. `{ provide: MODEL_RUNTIME, useValue: await createModelRuntime(config) }`). */
export const MODEL_RUNTIME = Symbol.for('gardien.llm-runtime.ModelRuntime');

export type RuntimeKind = 'ollama' | 'openai-compatible' | 'embedded';

/** What a call was doing, in errors and in the breaker's accounting. */
export type RuntimeOperation = 'chat' | 'chat_stream' | 'embed' | 'list_models';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  /** The most tokens to generate (Ollama `options.num_predict`, OpenAI `max_tokens`). */
  maxTokens?: number;
  temperature?: number;
  /** Nucleus sampling (Ollama `options.top_p`, OpenAI `top_p`). */
  topP?: number;
  /**
   * Sequences that end the generation where the model writes them, themselves left out of the
   * answer (Ollama `options.stop`, OpenAI `stop`). Matched by the runtime on what the model writes.
   */
  stop?: string[];
}

/** Token counts as the runtime reported them. */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

/** `stop`: the model finished; `length`: it reached maxTokens or its context; `other`: anything else the runtime said. */
export type FinishReason = 'stop' | 'length' | 'other';

export interface ChatResult {
  content: string;
  usage: TokenUsage;
  finishReason: FinishReason;
}

/**
 * One step of a streamed chat: text as it is generated, then exactly one `end` with the usage.
 * A stream that fails (the runtime stops, stalls, answers garbage) throws instead of ending.
 */
export type ChatStreamEvent = { type: 'delta'; content: string } | { type: 'end'; usage: TokenUsage; finishReason: FinishReason };

export interface EmbeddingRequest {
  model: string;
  inputs: string[];
}

export interface EmbeddingResult {
  /** One vector per input, in the order of the inputs. */
  vectors: number[][];
  promptTokens: number;
}

export interface InstalledModel {
  /** The name requests use (`llama3.2:1b` on Ollama, the served model id on vLLM). */
  name: string;
  /**
   * What the runtime reports as the digest of the model, in lower-case hex: Ollama's manifest
   * digest (sha256); absent when the runtime reports none (OpenAI-compatible servers).
   */
  digest?: string;
  /**
   * Why a model the runtime was told of cannot be served (the embedded runtime, whose models are
   * the catalogue's files): the file is missing, is not GGUF, is truncated... `detail` names the
   * problem in words, never the file's content.
   */
  refused?: { problem: string; detail: string };
}

export interface ModelRuntime {
  readonly kind: RuntimeKind;
  chat(request: ChatRequest, signal?: AbortSignal): Promise<ChatResult>;
  /**
   * Streams the answer; the request is sent when the iteration starts. Aborting `signal`, or
   * leaving the loop early, aborts the HTTP request, so that the runtime stops generating. Never
   * retried once the first byte of the answer arrived.
   */
  chatStream(request: ChatRequest, signal?: AbortSignal): AsyncIterable<ChatStreamEvent>;
  embed(request: EmbeddingRequest, signal?: AbortSignal): Promise<EmbeddingResult>;
  /** The models the runtime has installed, for the catalogue check at start. */
  listModels(signal?: AbortSignal): Promise<InstalledModel[]>;
  /** Closes idle connections; calls after close fail. */
  close(): Promise<void>;
}
