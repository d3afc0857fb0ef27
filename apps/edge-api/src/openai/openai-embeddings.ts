// POST /v1/embeddings as OpenAI's SDKs send it, and its answer. openai-node asks for base64 unless
// told otherwise (and decodes it as float32, little-endian); OpenAI's API answers floats by default:
// both are served. Input: a text or texts; token arrays are refused (Gardien's runtimes embed text),
// and so is `dimensions` (a shortened vector would be another vector than the one asked).
import { LLM_LIMITS, LlmEmbeddingsRequest, parsePayload, type LlmEmbeddingsReply } from '@gardien/contracts';
import { EdgeReason } from '../edge.errors.js';
import type { CallHints } from './gardien-headers.js';
import { IGNORED, NEVER, READ, checkFields, given, invalid, isObject, refused, type FieldRule } from './openai-request-fields.js';
import type { OpenAiUsage } from './openai-chat-response.js';

export const EMBEDDING_ENCODINGS = ['float', 'base64'] as const;
export type EmbeddingEncoding = (typeof EMBEDDING_ENCODINGS)[number];

export interface OpenAiEmbeddingsCall {
  request: LlmEmbeddingsRequest;
  encoding: EmbeddingEncoding;
}

export interface OpenAiEmbeddingList {
  object: 'list';
  data: Array<{ object: 'embedding'; index: number; embedding: number[] | string }>;
  model: string;
  usage: Pick<OpenAiUsage, 'prompt_tokens' | 'total_tokens'>;
}

/** Every field of OpenAI's embeddings request (openai-node 6.49's EmbeddingCreateParams). */
const EMBEDDING_FIELDS: ReadonlyMap<string, FieldRule> = new Map([
  ['model', READ],
  ['input', READ],
  ['encoding_format', READ],
  ['user', IGNORED],
  ['dimensions', NEVER],
]);

export function embeddingsCallOf(body: unknown, hints: CallHints): OpenAiEmbeddingsCall {
  if (!isObject(body)) throw invalid('', 'invalid_type');
  checkFields(body, EMBEDDING_FIELDS);
  const encoding = given(body, 'encoding_format') ?? 'float';
  if (!(EMBEDDING_ENCODINGS as readonly unknown[]).includes(encoding)) throw invalid('encoding_format', 'invalid_value');
  const candidate = { model: given(body, 'model'), input: inputsOf(given(body, 'input')), ...hints };
  return { request: parsePayload(LlmEmbeddingsRequest, candidate, 'body'), encoding: encoding as EmbeddingEncoding };
}

function inputsOf(input: unknown): string[] {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input)) throw invalid('input', input === undefined ? 'required' : 'invalid_type');
  if (input.length === 0) throw invalid('input', 'too_small');
  if (input.length > LLM_LIMITS.embeddingInputs) throw invalid('input', 'too_big');
  if (input.every((item): item is string => typeof item === 'string')) return input;
  // Tokens (numbers), or arrays of them.
  if (input.every((item) => typeof item === 'number' || Array.isArray(item))) throw refused(EdgeReason.UnsupportedContent, 'input');
  throw invalid('input', 'invalid_type');
}

/** A vector as OpenAI's base64: its values as float32, little-endian, one after the other. */
export function base64OfFloat32(vector: readonly number[]): string {
  const bytes = new DataView(new ArrayBuffer(vector.length * 4));
  vector.forEach((value, i) => bytes.setFloat32(i * 4, value, true));
  return Buffer.from(bytes.buffer).toString('base64');
}

export function embeddingListOf(reply: LlmEmbeddingsReply, encoding: EmbeddingEncoding): OpenAiEmbeddingList {
  return {
    object: 'list',
    data: reply.embeddings.map((vector, index) => ({ object: 'embedding', index, embedding: encoding === 'base64' ? base64OfFloat32(vector) : vector })),
    model: reply.model,
    usage: { prompt_tokens: reply.usage.prompt_tokens, total_tokens: reply.usage.prompt_tokens },
  };
}
