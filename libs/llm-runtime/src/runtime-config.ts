// Which model runtime the gateway talks to, read from the environment and checked at boot: a bad
// or missing variable stops the process with its name, never its value (loadConfig of
// @gardien/bootstrap). The API key of an OpenAI-compatible server comes from a file (a Docker
// secret) and is read by createModelRuntime, so that the configuration itself never holds it.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError, loadConfig } from '@gardien/bootstrap';
import { CircuitBreaker } from './circuit-breaker.js';
import { defaultEmbeddedThreads } from './embedded/available-cores.js';
import { EmbeddedRuntime, type EmbeddedModelSpec } from './embedded/embedded.runtime.js';
import type { ModelRuntime, RuntimeKind } from './model-runtime.port.js';
import { OllamaRuntime } from './ollama.runtime.js';
import { OpenAiCompatibleRuntime } from './openai-compatible.runtime.js';
import type { RuntimeTimeouts } from './runtime-endpoint.js';

const httpUrl = z.url({ protocol: /^https?$/ });
const milliseconds = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

export const ModelRuntimeConfigSchema = z.object({
  /** Unset: Ollama if GARDIEN_OLLAMA_URL is set, the OpenAI-compatible server if GARDIEN_OPENAI_BASE_URL is, else the embedded runtime (runtimeKindOf). */
  GARDIEN_LLM_RUNTIME: z.enum(['ollama', 'openai-compatible', 'embedded']).optional(),
  /** Ollama's address, e.g. `http://ollama:11434`. */
  GARDIEN_OLLAMA_URL: httpUrl.optional(),
  /** The OpenAI-compatible server's base URL, `/v1` included, e.g. `http://vllm:8000/v1`. */
  GARDIEN_OPENAI_BASE_URL: httpUrl.optional(),
  /** A file holding the server's API key (vLLM `--api-key`), if it wants one. */
  GARDIEN_OPENAI_API_KEY_FILE: z.string().min(1).optional(),
  GARDIEN_LLM_CONNECT_TIMEOUT_MS: milliseconds(50, 60_000, 5_000),
  /** Until a streamed answer starts: loading a model into memory can take this long. */
  GARDIEN_LLM_FIRST_BYTE_TIMEOUT_MS: milliseconds(50, 600_000, 120_000),
  GARDIEN_LLM_STALL_TIMEOUT_MS: milliseconds(50, 600_000, 30_000),
  GARDIEN_LLM_TOTAL_TIMEOUT_MS: milliseconds(100, 3_600_000, 600_000),
  /** Further attempts after a connection failed before any byte of an answer. */
  GARDIEN_LLM_RETRIES: z.coerce.number().int().min(0).max(5).default(1),
  /** Consecutive failures that open the circuit breaker, and how long it then stays open. */
  GARDIEN_LLM_BREAKER_FAILURES: z.coerce.number().int().min(1).max(1_000).default(5),
  GARDIEN_LLM_BREAKER_OPEN_MS: milliseconds(100, 3_600_000, 30_000),
  /** The embedded runtime: the directory of GGUF files (mounted read-only), the catalogue's `name` a path under it. */
  GARDIEN_MODELS_DIR: z.string().min(1).optional(),
  /** Threads of llama.cpp; unset, half the cores available to the process (its cgroup quota included), one at least. */
  GARDIEN_EMBEDDED_THREADS: z.coerce.number().int().min(1).max(256).optional(),
  /** Calls of one model the embedded runtime runs at once (sequences of its context: memory grows with them). */
  GARDIEN_EMBEDDED_SEQUENCES: z.coerce.number().int().min(1).max(64).default(2),
  /** Calls of one model that may wait for a sequence; more are refused as the runtime being unavailable. */
  GARDIEN_EMBEDDED_QUEUE: z.coerce.number().int().min(0).max(10_000).default(64),
});

export type ModelRuntimeConfig = z.infer<typeof ModelRuntimeConfigSchema>;

/** The runtime the configuration names, or the one its addresses imply (the embedded one when none is set). */
export function runtimeKindOf(config: Pick<ModelRuntimeConfig, 'GARDIEN_LLM_RUNTIME' | 'GARDIEN_OLLAMA_URL' | 'GARDIEN_OPENAI_BASE_URL'>): RuntimeKind {
  if (config.GARDIEN_LLM_RUNTIME) return config.GARDIEN_LLM_RUNTIME;
  if (config.GARDIEN_OLLAMA_URL) return 'ollama';
  if (config.GARDIEN_OPENAI_BASE_URL) return 'openai-compatible';
  return 'embedded';
}

/** The address of the chosen runtime is present, and the choice is not ambiguous (for the gateway's own superRefine, or readModelRuntimeConfig). */
export function requireModelRuntimeSettings(config: ModelRuntimeConfig, context: z.RefinementCtx): void {
  const missing = (variable: keyof ModelRuntimeConfig, message = 'required') => context.addIssue({ code: 'custom', path: [variable], message });
  if (!config.GARDIEN_LLM_RUNTIME && config.GARDIEN_OLLAMA_URL && config.GARDIEN_OPENAI_BASE_URL) missing('GARDIEN_LLM_RUNTIME', 'two runtimes have an address: say which');
  const kind = runtimeKindOf(config);
  if (kind === 'ollama' && !config.GARDIEN_OLLAMA_URL) missing('GARDIEN_OLLAMA_URL');
  if (kind === 'openai-compatible' && !config.GARDIEN_OPENAI_BASE_URL) missing('GARDIEN_OPENAI_BASE_URL');
}

/** Reads and checks the variables above; throws ConfigError naming the bad ones. */
export function readModelRuntimeConfig(env: NodeJS.ProcessEnv = process.env): ModelRuntimeConfig {
  return loadConfig(ModelRuntimeConfigSchema, env, requireModelRuntimeSettings);
}

/**
 * The runtime the configuration names, with its own circuit breaker (the HTTP ones). `models` are
 * the catalogue's: the embedded runtime loads those files and no other.
 */
export async function createModelRuntime(config: ModelRuntimeConfig, models: readonly EmbeddedModelSpec[] = []): Promise<ModelRuntime> {
  const timeouts: RuntimeTimeouts = {
    connectMs: config.GARDIEN_LLM_CONNECT_TIMEOUT_MS,
    firstByteMs: config.GARDIEN_LLM_FIRST_BYTE_TIMEOUT_MS,
    stallMs: config.GARDIEN_LLM_STALL_TIMEOUT_MS,
    totalMs: config.GARDIEN_LLM_TOTAL_TIMEOUT_MS,
  };
  const runtime = runtimeKindOf(config);
  const common = () => ({
    timeouts,
    retries: config.GARDIEN_LLM_RETRIES,
    breaker: new CircuitBreaker({ runtime, failureThreshold: config.GARDIEN_LLM_BREAKER_FAILURES, openMs: config.GARDIEN_LLM_BREAKER_OPEN_MS }),
  });
  switch (runtime) {
    case 'ollama':
      return new OllamaRuntime({ ...common(), baseUrl: config.GARDIEN_OLLAMA_URL! });
    case 'openai-compatible': {
      const keyFile = config.GARDIEN_OPENAI_API_KEY_FILE;
      const apiKey = keyFile ? await readSecretFile(keyFile, 'GARDIEN_OPENAI_API_KEY_FILE') : undefined;
      return new OpenAiCompatibleRuntime({ ...common(), baseUrl: config.GARDIEN_OPENAI_BASE_URL!, ...(apiKey ? { apiKey } : {}) });
    }
    case 'embedded': {
      if (!config.GARDIEN_MODELS_DIR) throw new ConfigError(['GARDIEN_MODELS_DIR']);
      return new EmbeddedRuntime({
        modelsDir: config.GARDIEN_MODELS_DIR,
        models,
        threads: config.GARDIEN_EMBEDDED_THREADS ?? defaultEmbeddedThreads(),
        sequences: config.GARDIEN_EMBEDDED_SEQUENCES,
        maxWaiting: config.GARDIEN_EMBEDDED_QUEUE,
        timeouts: { queueMs: config.GARDIEN_LLM_FIRST_BYTE_TIMEOUT_MS, totalMs: config.GARDIEN_LLM_TOTAL_TIMEOUT_MS },
      });
    }
  }
}

async function readSecretFile(file: string, variable: string): Promise<string> {
  try {
    const value = (await readFile(file, 'utf8')).trim();
    if (value !== '') return value;
  } catch {
    // reported below by the variable's name alone
  }
  throw new ConfigError([variable]);
}
