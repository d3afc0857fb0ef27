// The OpenAI-compatible routes as the OpenAPI document describes them, beside the routes of the
// operation table: the fields Gardien reads, OpenAI's answers, errors in OpenAI's shape, and the
// same operation names and isolation class as the gateway's own routes, so that the isolation
// tests that read routes from the published document probe these too.
import { LLM_LIMITS } from '@gardien/contracts';
import type { JsonSchema } from '../operations/operation-schemas.js';
import type { OpenApiOperation, OpenApiParameter, OpenApiResponse, PlatformRoute } from '../openapi/openapi-document.js';
import { PURPOSE_HEADER, SUBJECT_HEADER } from './gardien-headers.js';

const STRING: JsonSchema = { type: 'string' };
const INTEGER: JsonSchema = { type: 'integer' };

/** An object whose properties are all required but the `optional` ones. */
function object(properties: Record<string, JsonSchema>, optional: readonly string[] = []): JsonSchema {
  return { type: 'object', required: Object.keys(properties).filter((name) => !optional.includes(name)), properties };
}

/** OpenAI's list: `{object: 'list', data: [...]}` and what else the list carries. */
function list(items: JsonSchema, more: Record<string, JsonSchema> = {}): JsonSchema {
  return object({ object: { const: 'list' }, data: { type: 'array', items }, ...more });
}

/** The OpenAI error document (openai-error.ts). */
const OPENAI_ERROR = object({ error: object({ message: STRING, type: STRING, param: { type: ['string', 'null'] }, code: STRING, request_id: STRING }) });

const json = (schema: JsonSchema) => ({ 'application/json': { schema } });

function openAiError(description: string): OpenApiResponse {
  return { description, content: json(OPENAI_ERROR) };
}

/** The purpose and subject of a call made with an access token (an API key carries its purpose). */
const GARDIEN_HEADERS: OpenApiParameter[] = [
  { name: PURPOSE_HEADER, in: 'header', required: false, schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,62}$' } },
  { name: SUBJECT_HEADER, in: 'header', required: false, schema: { type: 'string', format: 'uuid' } },
];

/** A route of the surface: its answers, errors in OpenAI's shape, the credentials the SDKs send, the gateway's operation. */
function openAiRoute(
  path: string,
  method: 'get' | 'post',
  described: Pick<OpenApiOperation, 'operationId' | 'summary' | 'x-gardien-operation'> & { body?: JsonSchema; success: OpenApiResponse },
): PlatformRoute {
  const { body, success, ...names } = described;
  return {
    path,
    method,
    operation: {
      ...names,
      tags: ['openai'],
      parameters: method === 'post' ? GARDIEN_HEADERS : [],
      ...(body ? { requestBody: { required: true, content: json(body) } } : {}),
      responses: {
        200: success,
        ...(body ? { 400: openAiError('The request is not valid, or asks for what Gardien does not serve') } : {}),
        401: openAiError('No valid API key or access token'),
        ...(body ? { 429: openAiError('A quota of the tenant or of the API key is used up (Retry-After)') } : {}),
        default: openAiError('An error, in OpenAI’s shape'),
      },
      // An API key as the bearer token (as the SDKs send it) or in X-API-Key, or an access token.
      security: [{ 'api-key-bearer': [] }, { 'api-key': [] }, { bearer: [] }],
      'x-gardien-isolation': 'tenant',
    },
  };
}

const USAGE = object({ prompt_tokens: INTEGER, completion_tokens: INTEGER, total_tokens: INTEGER });

const CHAT_REQUEST: JsonSchema = {
  ...object(
    {
      model: STRING,
      messages: {
        type: 'array',
        minItems: 1,
        maxItems: LLM_LIMITS.messages,
        items: object({ role: { enum: ['system', 'developer', 'user', 'assistant'] }, content: { anyOf: [STRING, { type: 'array', items: object({ type: { const: 'text' }, text: STRING }) }] } }),
      },
      max_completion_tokens: { type: 'integer', minimum: 1, maximum: LLM_LIMITS.maxTokens },
      max_tokens: { type: 'integer', minimum: 1, maximum: LLM_LIMITS.maxTokens },
      temperature: { type: 'number', minimum: 0, maximum: 2 },
      top_p: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
      stop: { anyOf: [STRING, { type: 'array', items: STRING, maxItems: 4 }] },
      stream: { type: 'boolean' },
      stream_options: object({ include_usage: { type: 'boolean' } }, ['include_usage']),
      n: { const: 1 },
      user: STRING,
    },
    ['max_completion_tokens', 'max_tokens', 'temperature', 'top_p', 'stop', 'stream', 'stream_options', 'n', 'user'],
  ),
  description:
    'OpenAI’s chat completion request. Tools, functions, response formats other than text, log probabilities, n > 1, audio, images, penalties and seeds are refused (400), never ignored; user is ignored.',
};

const CHAT_COMPLETION = object({
  id: STRING,
  object: { const: 'chat.completion' },
  created: INTEGER,
  model: STRING,
  choices: {
    type: 'array',
    items: object({
      index: INTEGER,
      message: object({ role: { const: 'assistant' }, content: STRING, refusal: { type: 'null' } }),
      finish_reason: { enum: ['stop', 'length'] },
      logprobs: { type: 'null' },
    }),
  },
  usage: USAGE,
});

const EMBEDDINGS_REQUEST: JsonSchema = {
  ...object(
    {
      model: STRING,
      input: { anyOf: [STRING, { type: 'array', items: STRING, minItems: 1, maxItems: LLM_LIMITS.embeddingInputs }] },
      encoding_format: { enum: ['float', 'base64'] },
      user: STRING,
    },
    ['encoding_format', 'user'],
  ),
  description: 'OpenAI’s embeddings request: a text or texts (token arrays and dimensions are refused).',
};

const EMBEDDING = object({
  object: { const: 'embedding' },
  index: INTEGER,
  embedding: { anyOf: [{ type: 'array', items: { type: 'number' } }, { type: 'string', contentEncoding: 'base64', description: 'float32 values, little-endian' }] },
});

const MODEL = object({ id: STRING, object: { const: 'model' }, created: INTEGER, owned_by: STRING, description: STRING }, ['description']);

export const OPENAI_MODELS_ROUTE = openAiRoute('/v1/models', 'get', {
  operationId: 'openAiListModels',
  summary: 'OpenAI-compatible: the models the caller may call (in the catalogue, served as described, allowed by its tenant; an API key: by the key too)',
  success: { description: 'A list of models, in OpenAI’s format', content: json(list(MODEL)) },
  'x-gardien-operation': 'llm-gateway.models.list',
});

export const OPENAI_CHAT_ROUTE = openAiRoute('/v1/chat/completions', 'post', {
  operationId: 'openAiChatCompletions',
  summary: 'OpenAI-compatible: a chat completion through the gateway, answered once or streamed (`stream: true`: server-sent chat.completion.chunk events, then [DONE])',
  body: CHAT_REQUEST,
  success: { description: 'A chat.completion, or with `stream: true` a stream of server-sent events', content: { ...json(CHAT_COMPLETION), 'text/event-stream': { schema: STRING } } },
  'x-gardien-operation': 'llm-gateway.chat',
});

export const OPENAI_EMBEDDINGS_ROUTE = openAiRoute('/v1/embeddings', 'post', {
  operationId: 'openAiEmbeddings',
  summary: 'OpenAI-compatible: embeddings through the gateway (floats, or base64 as openai-node asks by default)',
  body: EMBEDDINGS_REQUEST,
  success: { description: 'A list of embeddings, in OpenAI’s format', content: json(list(EMBEDDING, { model: STRING, usage: object({ prompt_tokens: INTEGER, total_tokens: INTEGER }) })) },
  'x-gardien-operation': 'llm-gateway.embeddings',
});
