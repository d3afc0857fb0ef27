// The embedded runtime: llama.cpp in the gateway's own process, through node-llama-cpp, on GGUF
// files of a directory mounted read-only. Nothing downloads: the library's prebuilt CPU binary is
// used as installed (`build: 'never'`, `skipDownload`), no GPU is probed, and no function of the
// library that fetches a model or a file is imported here (a test reads this directory for them).
// Only the catalogue's files are loaded, each checked (ModelFiles) at every catalogue check and
// again right before it is loaded.
//
// Each model has one context with a fixed number of sequences (`sequences`): that many calls run
// at once, batched together by llama.cpp, and the next ones wait in a bounded queue (LeasePool).
// A sequence's history is cleared before each call: no call sees, or reuses the cache of, another
// (another tenant's) prompt. Threads are sized to the cores available (see available-cores.ts).
// llama.cpp's own log lines are dropped: at its verbose levels they can quote a prompt.
import { JinjaTemplateChatWrapper, LlamaChat, LlamaLogLevel, getLlama, resolveChatWrapper, type ChatHistoryItem, type ChatWrapper, type Llama, type LlamaChatResponse, type LlamaContextSequence, type LlamaEmbeddingContext, type LlamaModel } from 'node-llama-cpp';
import { ModelFiles } from '@gardien/gguf';
import { LlmRuntimeError, LlmRuntimeErrorCode } from '../llm-runtime.errors.js';
import type { ChatMessage, ChatRequest, ChatResult, ChatStreamEvent, EmbeddingRequest, EmbeddingResult, FinishReason, InstalledModel, ModelRuntime, RuntimeOperation } from '../model-runtime.port.js';
import { LeasePool, cancelled, type Lease } from './lease-pool.js';
import { TextChannel } from './text-channel.js';

/** What the embedded runtime needs of a catalogue entry. */
export interface EmbeddedModelSpec {
  /** The file's path under the models directory (the catalogue's `name`). */
  name: string;
  sha256: string;
  /** The context the model gets (the catalogue's `context_length`). */
  contextLength: number;
  /** A Jinja chat template that replaces the file's own. */
  chatTemplate?: string;
}

export interface EmbeddedRuntimeOptions {
  modelsDir: string;
  models: readonly EmbeddedModelSpec[];
  threads: number;
  /** Calls of one model that run at once. */
  sequences: number;
  /** Calls of one model that may wait for a sequence; more are refused. */
  maxWaiting: number;
  /** How long a call may wait for a sequence, and for the whole answer. */
  timeouts: { queueMs: number; totalMs: number };
}

interface LoadedModel {
  model: LlamaModel;
  /** Resolved once: resolving it renders and probes the template, which costs more than a short answer. */
  chatWrapper: ChatWrapper;
  contextSize: number;
  sequences: LeasePool<LlamaContextSequence>;
  embeddings?: Promise<LeasePool<LlamaEmbeddingContext>>;
  dispose(): Promise<void>;
}

export class EmbeddedRuntime implements ModelRuntime {
  readonly kind = 'embedded' as const;
  private readonly files: ModelFiles;
  private readonly specs: ReadonlyMap<string, EmbeddedModelSpec>;
  private llama: Promise<Llama> | undefined;
  private readonly loaded = new Map<string, Promise<LoadedModel>>();
  private closed = false;

  constructor(private readonly options: EmbeddedRuntimeOptions) {
    this.files = new ModelFiles(options.modelsDir);
    this.specs = new Map(options.models.map((spec) => [spec.name, spec]));
  }

  /** The catalogue's files that pass their checks, with their digest; the others with the file's problem. */
  async listModels(signal?: AbortSignal): Promise<InstalledModel[]> {
    this.ensureOpen('list_models');
    const checks = Promise.all(
      [...this.specs.values()].map(async ({ name }): Promise<InstalledModel> => {
        const check = await this.files.check(name);
        return check.ok ? { name, digest: check.digest } : { name, refused: { problem: check.problem, detail: check.detail } };
      }),
    );
    return raceAbort(checks, signal, 'list_models');
  }

  async chat(request: ChatRequest, signal?: AbortSignal): Promise<ChatResult> {
    let content = '';
    let end: Extract<ChatStreamEvent, { type: 'end' }> | undefined;
    for await (const event of this.generate(request, 'chat', signal)) {
      if (event.type === 'delta') content += event.content;
      else end = event;
    }
    return { content, usage: end!.usage, finishReason: end!.finishReason };
  }

  chatStream(request: ChatRequest, signal?: AbortSignal): AsyncIterable<ChatStreamEvent> {
    return this.generate(request, 'chat_stream', signal);
  }

  async embed(request: EmbeddingRequest, signal?: AbortSignal): Promise<EmbeddingResult> {
    const deadline = this.deadline(signal);
    try {
      const loaded = await raceAbort(this.modelOf(request.model, 'embed'), deadline.signal, 'embed');
      const tokenCounts = request.inputs.map((input) => loaded.model.tokenize(input).length);
      if (tokenCounts.some((count) => count > loaded.contextSize)) {
        throw new LlmRuntimeError(LlmRuntimeErrorCode.ContextExceeded, 'an input is longer than the model’s context', { runtime: this.kind, operation: 'embed' });
      }
      loaded.embeddings ??= this.embeddingPool(loaded);
      const pool = await raceAbort(loaded.embeddings, deadline.signal, 'embed');
      const lease = await pool.acquire('embed', this.options.timeouts.queueMs, deadline.signal);
      try {
        const vectors: number[][] = [];
        for (const input of request.inputs) {
          if (deadline.signal.aborted) throw cancelled('embed');
          vectors.push([...(await lease.resource.getEmbeddingFor(input)).vector]);
        }
        return { vectors, promptTokens: tokenCounts.reduce((sum, count) => sum + count, 0) };
      } finally {
        lease.release();
      }
    } catch (error) {
      throw deadline.explain(error, 'embed');
    } finally {
      deadline.clear();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const models = await Promise.allSettled(this.loaded.values());
    this.loaded.clear();
    for (const model of models) if (model.status === 'fulfilled') await model.value.dispose();
    const llama = await this.llama?.catch(() => undefined);
    await llama?.dispose();
  }

  private async *generate(request: ChatRequest, operation: RuntimeOperation, signal?: AbortSignal): AsyncGenerator<ChatStreamEvent> {
    const deadline = this.deadline(signal);
    let lease: Lease<LlamaContextSequence> | undefined;
    let chat: LlamaChat | undefined;
    let generation: Promise<unknown> | undefined;
    const stop = new AbortController();
    try {
      const loaded = await raceAbort(this.modelOf(request.model, operation), deadline.signal, operation);
      lease = await loaded.sequences.acquire(operation, this.options.timeouts.queueMs, deadline.signal);
      const sequence = lease.resource;
      await sequence.clearHistory();
      chat = new LlamaChat({ contextSequence: sequence, autoDisposeSequence: false, chatWrapper: loaded.chatWrapper });
      const history = historyOf(request.messages);
      const promptTokens = chat.chatWrapper.generateContextState({ chatHistory: history }).contextText.tokenize(loaded.model.tokenizer).length;
      const room = loaded.contextSize - promptTokens;
      if (room < 1) throw new LlmRuntimeError(LlmRuntimeErrorCode.ContextExceeded, 'the prompt is longer than the model’s context', { runtime: this.kind, operation });
      const channel = new TextChannel<LlamaChatResponse['metadata']['stopReason']>();
      const before = sequence.tokenMeter.getState();
      generation = chat
        .generateResponse(history, {
          signal: AbortSignal.any([deadline.signal, stop.signal]),
          stopOnAbortSignal: false,
          // The whole context at most: llama.cpp would otherwise shift it and keep writing.
          maxTokens: Math.min(request.maxTokens ?? room, room),
          ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
          ...(request.topP !== undefined ? { topP: request.topP } : {}),
          ...(request.stop && request.stop.length > 0 ? { customStopTriggers: request.stop } : {}),
          onTextChunk: (text) => channel.push(text),
        })
        .then(
          (response) => channel.end(response.metadata.stopReason),
          (error: unknown) => channel.fail(error),
        );
      for await (const text of channel) yield { type: 'delta', content: text };
      const used = sequence.tokenMeter.diff(before);
      yield { type: 'end', usage: { promptTokens: used.usedInputTokens, completionTokens: used.usedOutputTokens }, finishReason: finishReasonOf(channel.stopReason) };
    } catch (error) {
      throw deadline.explain(error, operation);
    } finally {
      // A caller that leaves the loop early stops the generation before the sequence is lent again.
      stop.abort();
      await generation;
      chat?.dispose({ disposeSequence: false });
      lease?.release();
      deadline.clear();
    }
  }

  /** The model, loaded once its file passed its checks; a failed load is tried again by the next call. */
  private modelOf(name: string, operation: RuntimeOperation): Promise<LoadedModel> {
    this.ensureOpen(operation);
    let loading = this.loaded.get(name);
    if (!loading) {
      loading = this.load(name, operation);
      this.loaded.set(name, loading);
      loading.catch(() => this.loaded.delete(name));
    }
    return loading;
  }

  private async load(name: string, operation: RuntimeOperation): Promise<LoadedModel> {
    const spec = this.specs.get(name);
    if (!spec) throw new LlmRuntimeError(LlmRuntimeErrorCode.ModelNotFound, 'the model is not in the catalogue of the embedded runtime', { runtime: this.kind, operation });
    const check = await this.files.check(name);
    if (!check.ok || check.digest !== spec.sha256) {
      throw new LlmRuntimeError(LlmRuntimeErrorCode.ModelNotFound, 'the model file is missing or does not match the catalogue', { runtime: this.kind, operation });
    }
    const llama = await this.llamaInstance();
    let model: LlamaModel;
    try {
      model = await llama.loadModel({ modelPath: check.path, gpuLayers: 0, useMmap: true });
    } catch {
      throw new LlmRuntimeError(LlmRuntimeErrorCode.RuntimeFailed, 'llama.cpp could not load the model file', { runtime: this.kind, operation });
    }
    const contextSize = Math.min(spec.contextLength, model.trainContextSize);
    const context = await model.createContext({ contextSize, sequences: this.options.sequences, threads: this.options.threads });
    const sequences = Array.from({ length: this.options.sequences }, () => context.getSequence());
    return {
      model,
      // The catalogue's template, else the file's own (or the wrapper its tokens imply), as LlamaChat's "auto" would.
      chatWrapper: spec.chatTemplate ? new JinjaTemplateChatWrapper({ template: spec.chatTemplate }) : resolveChatWrapper(model),
      contextSize: context.contextSize,
      sequences: new LeasePool(sequences, this.options.maxWaiting),
      dispose: async () => {
        await context.dispose();
        await model.dispose();
      },
    };
  }

  private async embeddingPool(loaded: LoadedModel): Promise<LeasePool<LlamaEmbeddingContext>> {
    const context = await loaded.model.createEmbeddingContext({ contextSize: loaded.contextSize, threads: this.options.threads });
    const dispose = loaded.dispose;
    loaded.dispose = async () => {
      await context.dispose();
      await dispose();
    };
    return new LeasePool([context], this.options.maxWaiting);
  }

  private llamaInstance(): Promise<Llama> {
    this.llama ??= getLlama({
      gpu: false,
      build: 'never',
      usePrebuiltBinaries: true,
      skipDownload: true,
      progressLogs: false,
      maxThreads: this.options.threads,
      logLevel: LlamaLogLevel.error,
      logger: () => undefined,
    });
    this.llama.catch(() => (this.llama = undefined));
    return this.llama;
  }

  private ensureOpen(operation: RuntimeOperation): void {
    if (this.closed) throw new LlmRuntimeError(LlmRuntimeErrorCode.RuntimeUnavailable, 'the embedded runtime is closed', { runtime: this.kind, operation });
  }

  /** The caller's signal joined with the total timeout, and what an abort of either means. */
  private deadline(signal: AbortSignal | undefined) {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), this.options.timeouts.totalMs);
    const joined = signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal;
    return {
      signal: joined,
      clear: () => clearTimeout(timer),
      explain: (error: unknown, operation: RuntimeOperation): Error => {
        if (timeout.signal.aborted && !signal?.aborted) return new LlmRuntimeError(LlmRuntimeErrorCode.RuntimeTimeout, 'the embedded runtime did not answer in time', { runtime: this.kind, operation, phase: 'total' });
        if (signal?.aborted) return cancelled(operation);
        if (error instanceof LlmRuntimeError) return error;
        // llama.cpp's own messages can quote what it was given: none of them goes further.
        return new LlmRuntimeError(LlmRuntimeErrorCode.RuntimeFailed, 'the embedded runtime failed', { runtime: this.kind, operation });
      },
    };
  }
}

function historyOf(messages: readonly ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = messages.map((message): ChatHistoryItem => {
    switch (message.role) {
      case 'system':
        return { type: 'system', text: message.content };
      case 'user':
        return { type: 'user', text: message.content };
      case 'assistant':
        return { type: 'model', response: [message.content] };
    }
  });
  // The answer to write: an empty model turn at the end, as node-llama-cpp's chat session does.
  history.push({ type: 'model', response: [] });
  return history;
}

function finishReasonOf(stopReason: LlamaChatResponse['metadata']['stopReason'] | undefined): FinishReason {
  switch (stopReason) {
    case 'eogToken':
    case 'stopGenerationTrigger':
    case 'customStopTrigger':
      return 'stop';
    case 'maxTokens':
      return 'length';
    case 'functionCalls':
    case 'abort':
    case undefined:
      return 'other';
  }
}

/** `work`, unless `signal` aborts first (the work itself goes on, its result unused). */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal | undefined, operation: RuntimeOperation): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(cancelled(operation));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled(operation));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}
