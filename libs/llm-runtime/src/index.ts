// Model runtime adapters (Ollama, OpenAI-compatible, embedded llama.cpp) behind one port.
// Only apps/llm-gateway may import this library: the lint rule of the workspace enforces it.
export * from './model-runtime.port.js';
export { LlmRuntimeError, LlmRuntimeErrorCode, isLlmRuntimeError, isRuntimeFault, type LlmRuntimeErrorDetails, type TimeoutPhase } from './llm-runtime.errors.js';
export { CircuitBreaker, type CircuitBreakerOptions, type CircuitPass, type CircuitState } from './circuit-breaker.js';
export type { RuntimeTimeouts } from './runtime-endpoint.js';
export { OllamaRuntime, type OllamaRuntimeOptions } from './ollama.runtime.js';
export { OpenAiCompatibleRuntime, type OpenAiCompatibleRuntimeOptions } from './openai-compatible.runtime.js';
export { ModelRuntimeConfigSchema, createModelRuntime, readModelRuntimeConfig, requireModelRuntimeSettings, runtimeKindOf, type ModelRuntimeConfig } from './runtime-config.js';
export { EmbeddedRuntime, type EmbeddedModelSpec, type EmbeddedRuntimeOptions } from './embedded/embedded.runtime.js';
