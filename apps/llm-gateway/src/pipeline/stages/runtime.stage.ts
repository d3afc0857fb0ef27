// Stage 6: the call to the model runtime, with what the stages before made of the request (the
// pseudonymised messages). The runtime's failures become the gateway's reasons; its own words
// never reach the caller. A caller that goes away aborts the call (the signal), which aborts the
// HTTP request to the runtime, which stops generating.
import { Inject, Injectable, Optional } from '@nestjs/common';
import { LlmRuntimeErrorCode, MODEL_RUNTIME, isLlmRuntimeError, type ChatMessage, type ChatRequest, type ChatResult, type ChatStreamEvent, type EmbeddingResult, type ModelRuntime } from '@gardien/llm-runtime';
import type { CatalogueModel } from '@gardien/contracts';
import { GatewayReason, gatewayError } from '../../llm-gateway.errors.js';

export interface Sampling {
  maxTokens: number;
  temperature?: number | undefined;
  topP?: number | undefined;
  /** Pseudonymised, as the messages: the runtime matches them on what the model writes. */
  stop: string[];
}

/** The caller went away: not a failure of the runtime. */
export class CallCancelled extends Error {
  override readonly name = 'CallCancelled';
}

@Injectable()
export class RuntimeStage {
  constructor(@Optional() @Inject(MODEL_RUNTIME) private readonly runtime: ModelRuntime | undefined) {}

  /**
   * Throws what a signal aborted before the runtime is asked means (the caller went away, or its
   * deadline passed): such a call never reaches the runtime, and is not charged as if it had.
   */
  ensureWanted(signal: AbortSignal): void {
    if (signal.aborted) throw refusalOf(signal.reason, signal);
  }

  async chat(model: CatalogueModel, messages: ChatMessage[], sampling: Sampling, signal: AbortSignal): Promise<ChatResult> {
    try {
      return await this.use().chat({ model: model.name, messages, ...request(sampling) }, signal);
    } catch (error) {
      throw refusalOf(error, signal);
    }
  }

  async *chatStream(model: CatalogueModel, messages: ChatMessage[], sampling: Sampling, signal: AbortSignal): AsyncGenerator<ChatStreamEvent> {
    try {
      yield* this.use().chatStream({ model: model.name, messages, ...request(sampling) }, signal);
    } catch (error) {
      throw refusalOf(error, signal);
    }
  }

  async embed(model: CatalogueModel, inputs: string[], signal: AbortSignal): Promise<EmbeddingResult> {
    try {
      return await this.use().embed({ model: model.name, inputs }, signal);
    } catch (error) {
      throw refusalOf(error, signal);
    }
  }

  private use(): ModelRuntime {
    // No runtime is configured only when the catalogue is empty, which the authorise stage refuses first.
    if (!this.runtime) throw gatewayError(GatewayReason.RuntimeUnavailable);
    return this.runtime;
  }
}

function request(sampling: Sampling): Pick<ChatRequest, 'maxTokens' | 'temperature' | 'topP' | 'stop'> {
  return {
    maxTokens: sampling.maxTokens,
    ...(sampling.temperature !== undefined ? { temperature: sampling.temperature } : {}),
    ...(sampling.topP !== undefined ? { topP: sampling.topP } : {}),
    ...(sampling.stop.length > 0 ? { stop: sampling.stop } : {}),
  };
}

/** What a runtime failure is to the caller. */
function refusalOf(error: unknown, signal: AbortSignal): Error {
  // The caller's deadline passed (AbortSignal.timeout): the runtime did not answer in time.
  if (signal.aborted && (signal.reason as { name?: string } | undefined)?.name === 'TimeoutError') return gatewayError(GatewayReason.RuntimeTimeout);
  if (signal.aborted) return new CallCancelled('the caller went away');
  if (!isLlmRuntimeError(error)) return error as Error;
  switch (error.code) {
    case LlmRuntimeErrorCode.RuntimeTimeout:
      return gatewayError(GatewayReason.RuntimeTimeout);
    case LlmRuntimeErrorCode.RuntimeBadResponse:
      return gatewayError(GatewayReason.RuntimeBadResponse);
    case LlmRuntimeErrorCode.RuntimeRejected:
      return gatewayError(GatewayReason.RuntimeRejected);
    // The gateway's estimate let the prompt through; the model's own tokenizer did not: the caller's to shorten.
    case LlmRuntimeErrorCode.ContextExceeded:
      return gatewayError(GatewayReason.ContextLengthExceeded);
    case LlmRuntimeErrorCode.ModelNotFound:
      return gatewayError(GatewayReason.ModelUnavailable);
    case LlmRuntimeErrorCode.RuntimeUnavailable:
    case LlmRuntimeErrorCode.RuntimeStreamInterrupted:
    case LlmRuntimeErrorCode.RuntimeFailed:
    case LlmRuntimeErrorCode.CircuitOpen:
    // The runtime says the call was cancelled, and no caller cancelled it: the runtime failed.
    case LlmRuntimeErrorCode.Cancelled:
      return gatewayError(GatewayReason.RuntimeUnavailable);
  }
}
