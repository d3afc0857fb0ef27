// A streamed chat as OpenAI's SDKs read it: server-sent events `data: <chat.completion.chunk>`,
// then `data: [DONE]`. An error once the first chunk is sent is `data: {"error": {...}}` in OpenAI's
// error shape (openai-node throws it as an APIError) and the stream ends there, without [DONE].
// Written by the edge's stream writer (operations/reply-writers.ts): the same backpressure, and a
// client that leaves cancels the bus stream, which stops the generation.
import type { LlmChatChunk } from '@gardien/contracts';
import { EVENT_STREAM_TYPE, type StreamFormat } from '../operations/reply-writers.js';
import { ChatChunkTranslator } from './openai-chat-response.js';
import { openAiErrorOf } from './openai-error.js';

export const SSE_DONE = 'data: [DONE]\n\n';

export function sseDataOf(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`;
}

/** The SSE text of each message of the gateway's stream (some give two chunks: the last piece and the usage). */
export async function* openAiChunkTexts(chunks: AsyncIterable<LlmChatChunk>, includeUsage: boolean): AsyncGenerator<string> {
  const translator = new ChatChunkTranslator(includeUsage);
  for await (const chunk of chunks) yield translator.chunksOf(chunk).map(sseDataOf).join('');
  translator.finish();
}

export const OPENAI_EVENT_STREAM: StreamFormat = {
  contentType: EVENT_STREAM_TYPE,
  reply: (text) => text as string,
  end: SSE_DONE,
  error: (error, requestId) => sseDataOf(openAiErrorOf({ ...error, requestId }).body),
};
