// The gateway's chat answers in OpenAI's documents: a `chat.completion` for an answer given once,
// and `chat.completion.chunk`s for a streamed one (the first with the assistant's role, the last
// piece with its finish reason, the usage in a chunk without choices when asked, as OpenAI sends
// them). Ids are the gateway's call ids, prefixed as OpenAI's are.
import { ErrorCode, GardienError, type FinishReason, type LlmChatChunk, type LlmChatReply, type LlmUsage, type RetrievedChunk } from '@gardien/contracts';

export interface OpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface OpenAiChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: 0;
    message: { role: 'assistant'; content: string; refusal: null };
    finish_reason: FinishReason;
    logprobs: null;
  }>;
  usage: OpenAiUsage;
  /** Gardien's extension, with `retrieval`: the chunks the model was given (ids and scores). */
  retrieved_chunks?: RetrievedChunk[];
}

export interface OpenAiChunkChoice {
  index: 0;
  delta: { role?: 'assistant'; content?: string };
  finish_reason: FinishReason | null;
  logprobs: null;
}

export interface OpenAiChatChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: OpenAiChunkChoice[];
  /** With stream_options.include_usage: null on every chunk but the last, which has no choices. */
  usage?: OpenAiUsage | null;
  /** Gardien's extension, on the first chunk of a retrieval-augmented answer. */
  retrieved_chunks?: RetrievedChunk[];
}

const completionId = (callId: string) => `chatcmpl-${callId}`;

function usageOf(usage: LlmUsage): OpenAiUsage {
  return { prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens, total_tokens: usage.prompt_tokens + usage.completion_tokens };
}

export function chatCompletionOf(reply: LlmChatReply): OpenAiChatCompletion {
  return {
    id: completionId(reply.id),
    object: 'chat.completion',
    created: reply.created,
    model: reply.model,
    choices: [{ index: 0, message: { role: 'assistant', content: reply.content, refusal: null }, finish_reason: reply.finish_reason, logprobs: null }],
    usage: usageOf(reply.usage),
    ...(reply.retrieved_chunks ? { retrieved_chunks: reply.retrieved_chunks } : {}),
  };
}

/** A streamed answer that breaks the gateway's order (a piece before the start, anything after the end): not passed on. */
function outOfOrder(): GardienError {
  return new GardienError(ErrorCode.Internal, 'a streamed answer came out of order');
}

/** The chunks of one streamed answer, from the gateway's messages in their order: start, deltas, end. */
export class ChatChunkTranslator {
  private head: { id: string; created: number; model: string } | undefined;
  private ended = false;

  constructor(private readonly includeUsage: boolean) {}

  chunksOf(chunk: LlmChatChunk): OpenAiChatChunk[] {
    if (this.ended || (chunk.type === 'start') !== (this.head === undefined)) throw outOfOrder();
    switch (chunk.type) {
      case 'start':
        this.head = { id: completionId(chunk.id), created: chunk.created, model: chunk.model };
        return [{ ...this.chunk({ role: 'assistant', content: '' }, null), ...(chunk.retrieved_chunks ? { retrieved_chunks: chunk.retrieved_chunks } : {}) }];
      case 'delta':
        return [this.chunk({ content: chunk.content }, null)];
      case 'end': {
        this.ended = true;
        const last = this.chunk({}, chunk.finish_reason);
        return this.includeUsage ? [last, { ...this.headOf(), choices: [], usage: usageOf(chunk.usage) }] : [last];
      }
    }
  }

  /** After the last message: a stream that stopped before its end is an error, not an answer. */
  finish(): void {
    if (!this.ended) throw outOfOrder();
  }

  private chunk(delta: OpenAiChunkChoice['delta'], finishReason: FinishReason | null): OpenAiChatChunk {
    return { ...this.headOf(), choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }], ...(this.includeUsage ? { usage: null } : {}) };
  }

  private headOf(): Omit<OpenAiChatChunk, 'choices'> {
    const { id, created, model } = this.head!;
    return { id, object: 'chat.completion.chunk', created, model };
  }
}
