// Stage between quota and input guards, for a retrieval-augmented chat: the chunks of the asked
// collection nearest to the question. They come from the vector store over the bus, asked as the
// caller (its token exchanged for the vector store's audience, which DELEGATIONS lets the gateway
// do): the store applies the caller's tenant, the purpose and what its grants let it read. What it
// answers is clear text on the bus only; from here on it is part of the prompt
// (retrieved-context.ts). The store's refusals (an unknown collection, one of another model) are
// this stage's decisions, passed on with their reason.
import { Injectable } from '@nestjs/common';
import { DelegatedTokens } from '@gardien/authz';
import { BusClient, VECTOR_STORE_LIMITS, VECTOR_STORE_OPERATIONS, callContextFor, type Caller, type LlmRetrieval, type SearchResult } from '@gardien/contracts';
import { GatewayReason, gatewayError } from '../../llm-gateway.errors.js';

/** What a retrieval gives when the request names no top_k. */
export const DEFAULT_RETRIEVED_CHUNKS = 4;
/** The longest chunk quoted to the model (the vector store cuts documents into chunks of 1,000 characters). */
export const MAX_RETRIEVED_CHUNK_CHARS = 2_000;

export interface ChunkSearch {
  caller: Caller;
  /** The caller's token, for this service. */
  token: string;
  collection: string;
  query: string;
  topK: number;
  purpose: string;
  signal: AbortSignal;
}

/** Where chunks come from: the vector store in the service, a fixed list in tests. */
export abstract class ChunkSource {
  abstract search(search: ChunkSearch): Promise<SearchResult[]>;
}

@Injectable()
export class VectorStoreChunks extends ChunkSource {
  constructor(
    private readonly bus: BusClient,
    private readonly tokens: DelegatedTokens,
  ) {
    super();
  }

  async search({ caller, token, collection, query, topK, purpose, signal }: ChunkSearch): Promise<SearchResult[]> {
    const forStore = await this.tokens.forAudience(token, 'vector-store', callContextFor(caller));
    const reply = await this.bus.call(VECTOR_STORE_OPERATIONS.search, { collection, query, top_k: topK, purpose }, callContextFor(caller, forStore), { signal });
    return reply.results;
  }
}

export interface RetrievalQuery {
  caller: Caller;
  token: string | undefined;
  retrieval: LlmRetrieval;
  purpose: string;
  question: string | undefined;
  signal: AbortSignal;
}

@Injectable()
export class RetrievalStage {
  constructor(private readonly source: ChunkSource) {}

  async run({ caller, token, retrieval, purpose, question, signal }: RetrievalQuery): Promise<SearchResult[]> {
    if (question === undefined || question.trim() === '') throw gatewayError(GatewayReason.RetrievalWithoutQuestion);
    // Every caller reaches the gateway with a token for it (an API key's too): without one the
    // stage cannot work, a failure of the stage (retrieval_stage_failed), not a decision.
    if (!token) throw new Error('no token of the caller to retrieve as');
    // The store embeds at most this much; a longer question is searched by its end, where the question usually is.
    const query = question.length > VECTOR_STORE_LIMITS.queryChars ? question.slice(-VECTOR_STORE_LIMITS.queryChars) : question;
    const topK = retrieval.top_k ?? DEFAULT_RETRIEVED_CHUNKS;
    const results = await this.source.search({ caller, token, collection: retrieval.collection, query, topK, purpose, signal });
    // Zero trust on the bus: no more chunks than asked, none longer than a chunk can be.
    return results.slice(0, topK).map((result) => (result.chunk.length > MAX_RETRIEVED_CHUNK_CHARS ? { ...result, chunk: result.chunk.slice(0, MAX_RETRIEVED_CHUNK_CHARS) } : result));
  }
}
