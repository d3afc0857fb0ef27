// The model most e2e specs call: `assistant`, one model of the catalogue (chat and embeddings),
// served by a ModelRuntimeServer (a test server speaking Ollama's API). The catalogue file is
// written into the spec's own folder; the gateway's environment points at it and at the server.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SERVED_MODEL, type ModelRuntimeServer } from './model-runtime-server.js';

export const SERVED_ASSISTANT = 'assistant';

/** Writes the catalogue into `dir`; the llm-gateway's environment for it. */
export function servedAssistantEnv(dir: string, runtime: ModelRuntimeServer): Record<string, string> {
  const modelsFile = join(dir, 'models.json');
  const model = { id: SERVED_ASSISTANT, runtime: 'ollama', name: DEFAULT_SERVED_MODEL.name, sha256: DEFAULT_SERVED_MODEL.digest, capabilities: ['chat', 'embeddings'], context_length: 8_192 };
  writeFileSync(modelsFile, JSON.stringify({ models: [model] }));
  return { GARDIEN_MODELS_FILE: modelsFile, GARDIEN_LLM_RUNTIME: 'ollama', GARDIEN_OLLAMA_URL: runtime.url };
}
