// Model runtime adapters (Ollama, OpenAI-compatible, embedded llama.cpp) live behind this port.
// Only apps/llm-gateway may import this library: the lint rule of the workspace enforces it.
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  maxTokens?: number;
}

export interface ChatResult {
  content: string;
  promptTokens: number;
  completionTokens: number;
}

/** The port every model runtime adapter implements. */
export interface ModelRuntime {
  readonly kind: 'ollama' | 'openai-compatible' | 'embedded';
  chat(request: ChatRequest, signal?: AbortSignal): Promise<ChatResult>;
}
