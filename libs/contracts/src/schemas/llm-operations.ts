// What the gateway is asked on the bus and what it answers: chat (once or streamed), embeddings,
// the models a caller may use, and usage. The edge translates OpenAI's documents to these and back;
// first-party callers send them as they are (`POST /api/v1/llm/chat`). Content travels here only,
// in the request and the reply: never in a subject, a header, a log line or an audit entry.
import { z } from 'zod';
import { ModelName, PurposeId } from './auth-operations.js';
import { Uuid } from './primitives.js';
import { CollectionId } from './vector-store-operations.js';

/** The limits of one call, checked before any stage runs. */
export const LLM_LIMITS = {
  /** Messages of one chat call. */
  messages: 256,
  /** Characters of one message, and of all messages of a call together (UTF-16 code units). */
  messageChars: 256 * 1024,
  promptChars: 512 * 1024,
  /** Inputs of one embeddings call, and characters of each. */
  embeddingInputs: 256,
  embeddingInputChars: 32 * 1024,
  maxTokens: 32_768,
  /** Stop sequences of one chat call, and characters of each. */
  stops: 4,
  stopChars: 64,
} as const;

export const CHAT_ROLES = ['system', 'user', 'assistant'] as const;
export const ChatRole = z.enum(CHAT_ROLES);
export type ChatRole = z.infer<typeof ChatRole>;

export const LlmChatMessage = z.object({ role: ChatRole, content: z.string().max(LLM_LIMITS.messageChars) }).strict();
export type LlmChatMessage = z.infer<typeof LlmChatMessage>;

/**
 * Sampling options passed on to the runtime. The stop sequences are pseudonymised as the messages
 * are (the runtime matches them on what the model writes, where identifiers are placeholders).
 */
const Sampling = {
  max_tokens: z.number().int().min(1).max(LLM_LIMITS.maxTokens).optional(),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().gt(0).max(1).optional(),
  stop: z.array(z.string().min(1).max(LLM_LIMITS.stopChars)).max(LLM_LIMITS.stops).optional(),
};

/** Chunks retrieved for a chat at most: what the model reads of them is bounded with the prompt. */
export const RETRIEVAL_MAX_CHUNKS = 10;

/**
 * Retrieval-augmented chat: the gateway asks the vector store, as the caller, for the chunks of
 * `collection` nearest to the last user message, and gives them to the model with the prompt
 * (pseudonymised with it, under one mapping).
 */
export const LlmRetrieval = z.object({ collection: CollectionId, top_k: z.number().int().min(1).max(RETRIEVAL_MAX_CHUNKS).optional() }).strict();
export type LlmRetrieval = z.infer<typeof LlmRetrieval>;

/** A chunk a retrieval-augmented answer was given: ids and score, never its text. */
export const RetrievedChunk = z.object({ document_id: Uuid, chunk_id: Uuid, score: z.number() }).strict();
export type RetrievedChunk = z.infer<typeof RetrievedChunk>;

const RetrievedChunks = z.array(RetrievedChunk).max(RETRIEVAL_MAX_CHUNKS);

/**
 * A chat call. `purpose`: the purpose of processing, required of an access token's caller and
 * taken from the API key otherwise (a key's own purpose cannot be overridden). `subject`: the data
 * subject the call is about, when the tenant application knows it (for the rights pipeline).
 */
export const LlmChatRequest = z
  .object({
    model: ModelName,
    messages: z.array(LlmChatMessage).min(1).max(LLM_LIMITS.messages),
    purpose: PurposeId.optional(),
    subject: Uuid.optional(),
    retrieval: LlmRetrieval.optional(),
    ...Sampling,
  })
  .strict()
  .refine((request) => request.messages.reduce((chars, message) => chars + message.content.length, 0) <= LLM_LIMITS.promptChars, {
    message: `at most ${LLM_LIMITS.promptChars} characters in all messages together`,
    path: ['messages'],
  });
export type LlmChatRequest = z.infer<typeof LlmChatRequest>;

export const FINISH_REASONS = ['stop', 'length'] as const;
export const FinishReason = z.enum(FINISH_REASONS);
export type FinishReason = z.infer<typeof FinishReason>;

export const LlmUsage = z.object({ prompt_tokens: z.number().int().min(0), completion_tokens: z.number().int().min(0) }).strict();
export type LlmUsage = z.infer<typeof LlmUsage>;

/** What the guards noticed and let through (a tenant whose action is `flag`), by kind and count only. */
export const LlmFlags = z
  .object({
    injection: z.boolean(),
    /** Identifiers in the answer that were not in the prompt (count by type). */
    leaked: z.record(z.string().max(32), z.number().int().min(0)),
    /** Placeholders the model wrote that the request never gave it (left as written). */
    invented_placeholders: z.number().int().min(0),
  })
  .strict();
export type LlmFlags = z.infer<typeof LlmFlags>;

export const LlmChatReply = z
  .object({
    id: Uuid,
    model: ModelName,
    created: z.number().int(),
    content: z.string(),
    finish_reason: FinishReason,
    usage: LlmUsage,
    flags: LlmFlags,
    /** With `retrieval`: the chunks the model was given, nearest first. */
    retrieved_chunks: RetrievedChunks.optional(),
  })
  .strict();
export type LlmChatReply = z.infer<typeof LlmChatReply>;

/** One message of a streamed chat: a piece of the answer, or the end of it (with its usage). */
export const LlmChatChunk = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start'), id: Uuid, model: ModelName, created: z.number().int(), retrieved_chunks: RetrievedChunks.optional() }).strict(),
  z.object({ type: z.literal('delta'), content: z.string() }).strict(),
  z.object({ type: z.literal('end'), finish_reason: FinishReason, usage: LlmUsage, flags: LlmFlags }).strict(),
]);
export type LlmChatChunk = z.infer<typeof LlmChatChunk>;

export const LlmEmbeddingsRequest = z
  .object({
    model: ModelName,
    input: z.array(z.string().max(LLM_LIMITS.embeddingInputChars)).min(1).max(LLM_LIMITS.embeddingInputs),
    purpose: PurposeId.optional(),
    subject: Uuid.optional(),
  })
  .strict();
export type LlmEmbeddingsRequest = z.infer<typeof LlmEmbeddingsRequest>;

export const LlmEmbeddingsReply = z
  .object({
    model: ModelName,
    embeddings: z.array(z.array(z.number())).max(LLM_LIMITS.embeddingInputs),
    usage: z.object({ prompt_tokens: z.number().int().min(0) }).strict(),
  })
  .strict();
export type LlmEmbeddingsReply = z.infer<typeof LlmEmbeddingsReply>;

export const MODEL_CAPABILITIES = ['chat', 'embeddings'] as const;
export const ModelCapability = z.enum(MODEL_CAPABILITIES);
export type ModelCapability = z.infer<typeof ModelCapability>;

export const LlmModel = z
  .object({
    id: ModelName,
    capabilities: z.array(ModelCapability).min(1),
    context_length: z.number().int().min(1),
    owned_by: z.string().max(100),
    description: z.string().max(500).nullable(),
  })
  .strict();
export type LlmModel = z.infer<typeof LlmModel>;

export const LlmModelList = z.object({ models: z.array(LlmModel).max(200) }).strict();

/** A model of the catalogue as its tenant's admin sees it: whether it is served now, and whether the tenant allows it. */
export const CatalogueModelView = LlmModel.extend({ served: z.boolean(), allowed: z.boolean() }).strict();
export type CatalogueModelView = z.infer<typeof CatalogueModelView>;

/**
 * `GET /api/v1/models`: the ids of the models the caller may call (its tenant's allowed models, an
 * API key's own); and, for a caller who manages its tenant's settings, the whole catalogue with
 * which models the tenant allows (allowing one is the settings call).
 */
export const LlmModelsOverview = z.object({ models: z.array(ModelName).max(200), catalogue: z.array(CatalogueModelView).max(200).optional() }).strict();
export type LlmModelsOverview = z.infer<typeof LlmModelsOverview>;
export type LlmModelList = z.infer<typeof LlmModelList>;

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** Usage of the caller's tenant over whole days (UTC), at most a year at once. */
export const LlmUsageQuery = z
  .object({ from: Day, to: Day })
  .strict()
  .refine(({ from, to }) => from <= to, { message: 'from is after to', path: ['from'] })
  .refine(({ from, to }) => Date.parse(to) - Date.parse(from) <= 366 * 86_400_000, { message: 'at most 366 days', path: ['to'] });
export type LlmUsageQuery = z.infer<typeof LlmUsageQuery>;

export const LlmUsageRow = z
  .object({
    day: Day,
    model: ModelName,
    /** The API key that called, or null for calls made with an access token. */
    api_key_id: Uuid.nullable(),
    requests: z.number().int().min(0),
    prompt_tokens: z.number().int().min(0),
    completion_tokens: z.number().int().min(0),
  })
  .strict();
export type LlmUsageRow = z.infer<typeof LlmUsageRow>;

/** At most USAGE_ROWS rows: a longer report is refused, asking for fewer days. */
export const USAGE_ROWS = 10_000;
export const LlmUsageReport = z.object({ rows: z.array(LlmUsageRow).max(USAGE_ROWS) }).strict();
export type LlmUsageReport = z.infer<typeof LlmUsageReport>;
