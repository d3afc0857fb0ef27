// The one error class of libs/llm-runtime, with every reason a runtime call can fail for. Callers
// branch on `code` (a string that may cross the bus), never on the message. Messages and details
// name the runtime, the operation, a status or a timeout, never what the runtime said: a runtime's
// own error text can quote the prompt (a JSON parse error, a template error), and these errors are
// logged. No error carries the underlying socket error as `cause` for the same reason.
import type { RuntimeKind, RuntimeOperation } from './model-runtime.port.js';

export enum LlmRuntimeErrorCode {
  /** No connection, the connection was refused or reset before any answer, or the runtime said it is overloaded (408, 429, 502, 503, 504). */
  RuntimeUnavailable = 'runtime_unavailable',
  /** A timeout passed: connecting, waiting for the first byte, between two chunks of a stream, or for the whole call (`details.phase`). */
  RuntimeTimeout = 'runtime_timeout',
  /** The runtime answered something that is not its documented wire format (invalid JSON, wrong shape, a count that does not add up). */
  RuntimeBadResponse = 'runtime_bad_response',
  /** The runtime stopped in the middle of an answer: the connection closed before `done` (Ollama) or `[DONE]` (OpenAI-compatible). */
  RuntimeStreamInterrupted = 'runtime_stream_interrupted',
  /** The runtime answered with an error of its own (a 5xx status, or an error object in the middle of a stream). */
  RuntimeFailed = 'runtime_failed',
  /** The runtime refused the request (a 4xx status other than 404): a bad API key, a prompt too long for an HTTP runtime's context (whose words are not read)... */
  RuntimeRejected = 'runtime_rejected',
  /** A prompt, or an input to embed, counted with the model's own tokenizer, is longer than the model's context (the embedded runtime). */
  ContextExceeded = 'context_exceeded',
  /** The runtime does not have the model asked for (404 on chat or embeddings). */
  ModelNotFound = 'model_not_found',
  /** The circuit breaker of this runtime is open after consecutive failures: refused without calling it. */
  CircuitOpen = 'circuit_open',
  /** The caller aborted the call (its AbortSignal fired); the HTTP request was aborted with it. */
  Cancelled = 'cancelled',
}

export type TimeoutPhase = 'connect' | 'first_byte' | 'stall' | 'total';

export interface LlmRuntimeErrorDetails {
  runtime?: RuntimeKind;
  operation?: RuntimeOperation;
  /** The HTTP status the runtime answered with. */
  status?: number;
  phase?: TimeoutPhase;
  /** With circuit_open: how long until the breaker lets a trial call through. */
  retryInMs?: number;
}

export class LlmRuntimeError extends Error {
  constructor(
    readonly code: LlmRuntimeErrorCode,
    message: string,
    readonly details: LlmRuntimeErrorDetails = {},
  ) {
    super(message);
    this.name = 'LlmRuntimeError';
  }
}

export function isLlmRuntimeError(error: unknown, code?: LlmRuntimeErrorCode): error is LlmRuntimeError {
  return error instanceof LlmRuntimeError && (code === undefined || error.code === code);
}

/**
 * Whether a failure says the runtime itself is unwell (it counts towards opening its circuit
 * breaker), rather than the request being refused or the caller going away: a runtime that
 * answers 404 or 400 is up.
 */
export function isRuntimeFault(code: LlmRuntimeErrorCode): boolean {
  switch (code) {
    case LlmRuntimeErrorCode.RuntimeUnavailable:
    case LlmRuntimeErrorCode.RuntimeTimeout:
    case LlmRuntimeErrorCode.RuntimeBadResponse:
    case LlmRuntimeErrorCode.RuntimeStreamInterrupted:
    case LlmRuntimeErrorCode.RuntimeFailed:
      return true;
    case LlmRuntimeErrorCode.RuntimeRejected:
    case LlmRuntimeErrorCode.ContextExceeded:
    case LlmRuntimeErrorCode.ModelNotFound:
    case LlmRuntimeErrorCode.CircuitOpen:
    case LlmRuntimeErrorCode.Cancelled:
      return false;
  }
}
