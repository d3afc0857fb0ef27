// The gateway's bus operations: the one way to a model. Chat answers once or as a stream (the
// edge relays it as SSE or NDJSON); embeddings; the models the caller may use; the tenant's usage.
// A caller that goes away stops a model call, streamed or not (a call answered once is
// cancellable): the runtime stops generating and the call's in-flight place comes back.
import { Empty } from '../schemas/auth-operations.js';
import { LlmChatChunk, LlmChatReply, LlmChatRequest, LlmEmbeddingsReply, LlmEmbeddingsRequest, LlmModelList, LlmModelsOverview, LlmUsageQuery, LlmUsageReport } from '../schemas/llm-operations.js';
import { busOperation } from './bus-operation.js';

const gateway = 'llm-gateway' as const;
/** A model may take its time: up to the bus's bound for an answer given once. */
const GENERATION_TIMEOUT_MS = 120_000;

export const LLM_OPERATIONS = {
  chat: busOperation({ service: gateway, action: 'chat', request: LlmChatRequest, reply: LlmChatReply, authenticated: true, timeoutMs: GENERATION_TIMEOUT_MS, cancellable: true }),
  /** The first message (`start`) comes once every stage before the runtime has passed; the last is `end`. */
  chatStream: busOperation({ service: gateway, action: 'chat.stream', request: LlmChatRequest, reply: LlmChatChunk, authenticated: true, streaming: true, timeoutMs: GENERATION_TIMEOUT_MS, maxStreamMs: 10 * 60_000 }),
  embeddings: busOperation({ service: gateway, action: 'embeddings', request: LlmEmbeddingsRequest, reply: LlmEmbeddingsReply, authenticated: true, timeoutMs: 60_000, cancellable: true }),
  listModels: busOperation({ service: gateway, action: 'models.list', request: Empty, reply: LlmModelList, authenticated: true }),
  /** The models a caller may call by id, and the catalogue for its tenant's admin. */
  modelsOverview: busOperation({ service: gateway, action: 'models.overview', request: Empty, reply: LlmModelsOverview, authenticated: true }),
  usage: busOperation({ service: gateway, action: 'usage.get', request: LlmUsageQuery, reply: LlmUsageReport, authenticated: true }),
} as const;
