// The model gateway's operations on the public surfaces, in Gardien's own terms (the OpenAI
// translation of the same calls is under /v1: openai/). Chat answers once or as a stream of
// server-sent events; embeddings; the models the caller may call (and, for a tenant admin, the
// catalogue with what the tenant allows); the tenant's usage by day.
// API keys call models (it is what they are for); usage is for the tenant's people (its admin).
import { LLM_OPERATIONS } from '@gardien/contracts';
import { defineOperation, type Operation } from './operation.js';

const authenticated = 'authenticated' as const;
const modelCallers = ['session', 'api-key'] as const;

export const LLM_EDGE_OPERATIONS: readonly Operation[] = [
  defineOperation({
    bus: LLM_OPERATIONS.chat,
    summary: 'A chat with a model, answered once: through every stage of the gateway (identifiers pseudonymised on the way in, restored on the way out)',
    method: 'POST',
    path: '/llm/chat',
    graphql: { type: 'mutation', field: 'llmChat' },
    auth: authenticated,
    credentials: modelCallers,
    isolation: 'tenant',
  }),
  defineOperation({
    bus: LLM_OPERATIONS.chatStream,
    summary: 'A chat with a model, streamed as server-sent events: start, pieces of the answer, end with the usage (a client that leaves stops the generation)',
    method: 'POST',
    path: '/llm/chat/stream',
    graphql: null,
    operationId: 'llmChatStream',
    reply: 'stream',
    auth: authenticated,
    credentials: modelCallers,
    isolation: 'tenant',
  }),
  defineOperation({
    bus: LLM_OPERATIONS.embeddings,
    summary: 'Embeddings of texts, computed from their pseudonymised form',
    method: 'POST',
    path: '/llm/embeddings',
    graphql: { type: 'mutation', field: 'llmEmbeddings' },
    auth: authenticated,
    credentials: modelCallers,
    isolation: 'tenant',
  }),
  defineOperation({
    bus: LLM_OPERATIONS.listModels,
    summary: 'The models the caller may call: in the catalogue, served as described, allowed by its tenant (an API key: by the key too)',
    method: 'GET',
    path: '/llm/models',
    graphql: { type: 'query', field: 'llmModels' },
    auth: authenticated,
    credentials: modelCallers,
    isolation: 'tenant',
  }),
  defineOperation({
    bus: LLM_OPERATIONS.modelsOverview,
    summary: 'The models the caller may call: its tenant’s allowed models (an API key: those it is bound to); for a tenant admin, the whole catalogue too, each model with whether it is served and whether the tenant allows it',
    method: 'GET',
    path: '/models',
    graphql: { type: 'query', field: 'models' },
    auth: authenticated,
    credentials: modelCallers,
    isolation: 'tenant',
  }),
  defineOperation({
    bus: LLM_OPERATIONS.usage,
    summary: 'Model usage of the caller’s tenant by day (UTC), model and API key, from one day to another (at most 366 days)',
    method: 'GET',
    path: '/usage',
    query: ['from', 'to'],
    graphql: { type: 'query', field: 'usage' },
    auth: authenticated,
    isolation: 'tenant',
  }),
];
