// POST /v1/chat/completions as OpenAI's SDKs send it, translated to the gateway's chat request.
// Read: model, messages (system, developer as system, user, assistant; content as text or text
// parts), max_tokens or max_completion_tokens, temperature, top_p, stop, stream and
// stream_options.include_usage, n (1 only). Ignored: user and the other fields that change nothing
// in the answer. Refused: tools, functions, structured output, log probabilities, audio, images,
// several choices, penalties, seeds and the like (see CHAT_FIELDS), and any field OpenAI does not
// define but `retrieval`, Gardien's own (passed as the SDKs' extra body). The purpose and subject
// come from the Gardien headers (gardien-headers.ts).
import { LLM_LIMITS, LlmChatRequest, parsePayload, type ChatRole, type LlmChatMessage } from '@gardien/contracts';
import { EdgeReason } from '../edge.errors.js';
import type { CallHints } from './gardien-headers.js';
import {
  IGNORED,
  NEVER,
  READ,
  booleanOf,
  checkFields,
  given,
  invalid,
  isObject,
  neutral,
  numberIn,
  refused,
  type FieldRule,
  type JsonObject,
} from './openai-request-fields.js';

export interface OpenAiChatCall {
  request: LlmChatRequest;
  stream: boolean;
  /** A last chunk with the usage, before [DONE] (stream_options.include_usage). */
  includeUsage: boolean;
}

const isEmptyArray = (value: unknown) => Array.isArray(value) && value.length === 0;
const isEmptyObject = (value: unknown) => isObject(value) && Object.keys(value).length === 0;

/** Every field of OpenAI's chat completion request (openai-node 6.49's ChatCompletionCreateParams). */
const CHAT_FIELDS: ReadonlyMap<string, FieldRule> = new Map([
  ['model', READ],
  ['messages', READ],
  ['max_tokens', READ],
  ['max_completion_tokens', READ],
  ['temperature', READ],
  ['top_p', READ],
  ['stop', READ],
  ['stream', READ],
  ['stream_options', READ],
  ['n', READ],
  // Gardien's extension (the SDKs' extra_body): retrieval-augmented chat over a collection.
  ['retrieval', READ],
  // Who the end user is, caching and storage hints, the billing tier: nothing of the answer.
  ['user', IGNORED],
  ['safety_identifier', IGNORED],
  ['prompt_cache_key', IGNORED],
  ['prompt_cache_retention', IGNORED],
  ['prompt_cache_options', IGNORED],
  ['metadata', IGNORED],
  ['service_tier', IGNORED],
  ['store', neutral((value) => value === false)],
  ['logprobs', neutral((value) => value === false)],
  ['top_logprobs', neutral((value) => value === 0)],
  ['frequency_penalty', neutral((value) => value === 0)],
  ['presence_penalty', neutral((value) => value === 0)],
  ['logit_bias', neutral(isEmptyObject)],
  ['response_format', neutral((value) => isObject(value) && value.type === 'text' && Object.keys(value).length === 1)],
  ['tools', neutral(isEmptyArray)],
  ['functions', neutral(isEmptyArray)],
  ['tool_choice', neutral((value) => value === 'none')],
  ['function_call', neutral((value) => value === 'none')],
  // Meaningless without tools, which are refused.
  ['parallel_tool_calls', neutral((value) => typeof value === 'boolean')],
  ['modalities', neutral((value) => Array.isArray(value) && value.length === 1 && value[0] === 'text')],
  ['seed', NEVER],
  ['audio', NEVER],
  ['prediction', NEVER],
  ['reasoning_effort', NEVER],
  ['verbosity', NEVER],
  ['web_search_options', NEVER],
  ['moderation', NEVER],
]);

const STREAM_OPTION_FIELDS: ReadonlyMap<string, FieldRule> = new Map([
  ['include_usage', READ],
  // Random padding of chunks against length side channels: leaving it out changes no text.
  ['include_obfuscation', IGNORED],
]);

/** The fields of a message; which of them a role may carry is checked apart. */
const MESSAGE_FIELDS: ReadonlyMap<string, FieldRule> = new Map([
  ['role', READ],
  ['content', READ],
  ['refusal', READ],
  // The participant's name: the model would read it; Gardien's runtimes cannot pass it on.
  ['name', NEVER],
  ['tool_calls', neutral(isEmptyArray)],
  ['function_call', NEVER],
  // An assistant message as the SDK gives it back (`choices[0].message`): citations of a past answer.
  ['annotations', IGNORED],
  // An assistant's spoken answer: refused below as content that is not text.
  ['audio', READ],
]);

const ROLES: Readonly<Record<string, ChatRole>> = { system: 'system', developer: 'system', user: 'user', assistant: 'assistant' };
const REFUSED_ROLES = new Set(['tool', 'function']);

export function chatCallOf(body: unknown, hints: CallHints): OpenAiChatCall {
  if (!isObject(body)) throw invalid('', 'invalid_type');
  checkFields(body, CHAT_FIELDS);
  const n = numberIn(body, 'n', { min: 1, max: Number.MAX_SAFE_INTEGER, integer: true });
  if (n !== undefined && n !== 1) throw refused(EdgeReason.UnsupportedParameter, 'n');
  const stream = booleanOf(body, 'stream') ?? false;
  const includeUsage = streamOptionsOf(body, stream);
  const maxTokens = maxTokensOf(body);
  const temperature = numberIn(body, 'temperature', { min: 0, max: 2 });
  const topP = numberIn(body, 'top_p', { min: 0, max: 1, exclusiveMin: true });
  const stop = stopOf(body);
  const candidate = {
    model: given(body, 'model'),
    messages: messagesOf(given(body, 'messages')),
    ...hints,
    ...(maxTokens !== undefined ? { max_tokens: maxTokens } : {}),
    ...(temperature !== undefined ? { temperature } : {}),
    ...(topP !== undefined ? { top_p: topP } : {}),
    ...(stop !== undefined ? { stop } : {}),
    // Checked by the gateway's own schema below (collection id, top_k).
    ...(given(body, 'retrieval') !== undefined ? { retrieval: given(body, 'retrieval') } : {}),
  };
  // The gateway's own schema, for what is left: the model's name, the lengths of the messages.
  return { request: parsePayload(LlmChatRequest, candidate, 'body'), stream, includeUsage };
}

function streamOptionsOf(body: JsonObject, stream: boolean): boolean {
  const options = given(body, 'stream_options');
  if (options === undefined) return false;
  if (!isObject(options)) throw invalid('stream_options', 'invalid_type');
  // As OpenAI: stream options only for a stream.
  if (!stream) throw invalid('stream_options', 'requires_stream');
  checkFields(options, STREAM_OPTION_FIELDS, 'stream_options');
  return booleanOf(options, 'include_usage', 'stream_options') ?? false;
}

/** max_completion_tokens, OpenAI's current name, or max_tokens, its older one; both only if they agree. */
function maxTokensOf(body: JsonObject): number | undefined {
  const range = { min: 1, max: LLM_LIMITS.maxTokens, integer: true };
  const current = numberIn(body, 'max_completion_tokens', range);
  const older = numberIn(body, 'max_tokens', range);
  if (current !== undefined && older !== undefined && current !== older) throw invalid('max_tokens', 'conflicts_with_max_completion_tokens');
  return current ?? older;
}

/** One string or a list, as OpenAI takes it; the gateway's request holds a list. */
function stopOf(body: JsonObject): string[] | undefined {
  const value = given(body, 'stop');
  if (value === undefined) return undefined;
  const stops = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(stops) || !stops.every((stop): stop is string => typeof stop === 'string')) throw invalid('stop', 'invalid_type');
  if (stops.length > LLM_LIMITS.stops) throw invalid('stop', 'too_big');
  if (stops.some((stop) => stop.length === 0 || stop.length > LLM_LIMITS.stopChars)) throw invalid('stop', 'invalid_value');
  return stops.length > 0 ? stops : undefined;
}

function messagesOf(value: unknown): LlmChatMessage[] {
  if (!Array.isArray(value)) throw invalid('messages', value === undefined ? 'required' : 'invalid_type');
  if (value.length === 0) throw invalid('messages', 'too_small');
  if (value.length > LLM_LIMITS.messages) throw invalid('messages', 'too_big');
  return value.map((message, index) => messageOf(message, `messages.${index}`));
}

function messageOf(message: unknown, at: string): LlmChatMessage {
  if (!isObject(message)) throw invalid(at, 'invalid_type');
  const role = given(message, 'role');
  if (typeof role === 'string' && REFUSED_ROLES.has(role)) throw refused(EdgeReason.UnsupportedRole, `${at}.role`);
  const ours = typeof role === 'string' && Object.hasOwn(ROLES, role) ? ROLES[role]! : undefined;
  if (!ours) throw invalid(`${at}.role`, role === undefined ? 'required' : 'invalid_value');
  checkFields(message, MESSAGE_FIELDS, at);
  if (given(message, 'audio') !== undefined) throw refused(EdgeReason.UnsupportedContent, `${at}.audio`);
  const refusal = given(message, 'refusal');
  if (refusal !== undefined && (ours !== 'assistant' || typeof refusal !== 'string')) throw invalid(`${at}.refusal`, 'invalid_value');
  if (ours !== 'assistant' && (given(message, 'tool_calls') !== undefined || given(message, 'annotations') !== undefined)) throw invalid(at, 'unrecognized_keys');
  const content = contentOf(given(message, 'content'), ours, `${at}.content`) ?? refusal;
  if (content === undefined) throw invalid(`${at}.content`, 'required');
  return { role: ours, content };
}

/** The text of a message: a string, or text parts joined by line breaks (an assistant's refusal parts as text). */
function contentOf(content: unknown, role: ChatRole, at: string): string | undefined {
  if (content === undefined || typeof content === 'string') return content;
  if (!Array.isArray(content)) throw invalid(at, 'invalid_type');
  if (content.length === 0) throw invalid(at, 'too_small');
  if (content.length > LLM_LIMITS.messages) throw invalid(at, 'too_big');
  return content.map((part, index) => textOf(part, role, `${at}.${index}`)).join('\n');
}

function textOf(part: unknown, role: ChatRole, at: string): string {
  if (!isObject(part) || typeof part.type !== 'string') throw invalid(at, 'invalid_type');
  const field = part.type === 'text' ? 'text' : part.type === 'refusal' && role === 'assistant' ? 'refusal' : undefined;
  // Images, audio, files: what Gardien's models do not read.
  if (!field) throw refused(EdgeReason.UnsupportedContent, `${at}.type`);
  const text = part[field];
  if (typeof text !== 'string') throw invalid(`${at}.${field}`, 'invalid_type');
  if (Object.keys(part).length !== 2) throw invalid(at, 'unrecognized_keys');
  return text;
}
