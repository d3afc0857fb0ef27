// Vectors of texts, from the gateway (the vector store never reaches a model): LLM_OPERATIONS.
// embeddings, whose pipeline checks the caller's grants, the purpose's legal basis and the quotas,
// and pseudonymises the texts before the model sees them (vectors are never computed from clear
// identifiers). The call is made with the caller's token exchanged for the gateway's audience
// (DELEGATIONS lets the vector store do so): the gateway refuses model calls in a platform service's
// own name (it acts for no tenant), and the caller's purpose, quotas and audit trail are the call's.
// The exchange happens when the document is accepted, while the caller's token is valid; the
// exchanged token lives no longer than it (an ingestion that outlasts it fails, `invalid_access_token`).
import { Injectable } from '@nestjs/common';
import { DelegatedTokens } from '@gardien/authz';
import { BusClient, LLM_OPERATIONS, callContextFor, type Caller } from '@gardien/contracts';
import { VectorStoreReason, vectorStoreError } from '../vector-store.errors.js';
import { normalised, type VectorSpace } from '../vectors/vector-backend.port.js';

/** What one embedding call may carry: fewer than the gateway's bound, so that progress moves in steps. */
export const EMBEDDING_BATCH = 32;

export interface EmbeddingCall {
  space: VectorSpace;
  purpose?: string | undefined;
  subjectId?: string | null | undefined;
  texts: readonly string[];
  signal?: AbortSignal | undefined;
}

/** Embeds for one caller, with the token obtained for it. */
export interface EmbeddingSession {
  /** Unit vectors of the space's dimension, one per text, in order. */
  embed(call: EmbeddingCall): Promise<Float32Array[]>;
  /**
   * Refuses (503 embedding_model_unavailable) when the space's model is not one the caller may
   * call for embeddings now (not allowed by its tenant's settings, not served, not in the
   * catalogue): asked before a document is accepted, so that none is accepted only to fail.
   */
  ensureServes(space: VectorSpace): Promise<void>;
}

export abstract class Embedder {
  /** A session for `caller`, whose token (for this service) is `token`; refused at once when the caller cannot be served. */
  abstract open(caller: Caller, token: string | undefined): Promise<EmbeddingSession>;
}

@Injectable()
export class GatewayEmbedder extends Embedder {
  constructor(
    private readonly bus: BusClient,
    private readonly tokens: DelegatedTokens,
  ) {
    super();
  }

  async open(caller: Caller, token: string | undefined): Promise<EmbeddingSession> {
    if (!token) throw vectorStoreError(VectorStoreReason.TenantRequired);
    const forGateway = await this.tokens.forAudience(token, 'llm-gateway', callContextFor(caller));
    return {
      embed: async ({ space, purpose, subjectId, texts, signal }) => {
        const request = { model: space.model, input: [...texts], ...(purpose ? { purpose } : {}), ...(subjectId ? { subject: subjectId } : {}) };
        // The caller's request id and trace, not its deadline: an ingestion outlives the request that started it.
        const reply = await this.bus.call(LLM_OPERATIONS.embeddings, request, { ...callContextFor(caller, forGateway), deadline: undefined }, signal ? { signal } : {});
        return checkedVectors(reply.embeddings, space, texts.length);
      },
      ensureServes: async (space) => {
        const { models } = await this.bus.call(LLM_OPERATIONS.listModels, {}, callContextFor(caller, forGateway));
        if (!models.some((model) => model.id === space.model && model.capabilities.includes('embeddings'))) throw vectorStoreError(VectorStoreReason.EmbeddingModelUnavailable);
      },
    };
  }
}

/** The gateway's vectors, checked against the space (their number and dimension) and made unit length. */
export function checkedVectors(vectors: readonly (readonly number[])[], space: VectorSpace, expected: number): Float32Array[] {
  if (vectors.length !== expected || vectors.some((vector) => vector.length !== space.dimensions)) throw vectorStoreError(VectorStoreReason.EmbeddingDimensionMismatch);
  return vectors.map((vector) => {
    try {
      return normalised(vector);
    } catch {
      throw vectorStoreError(VectorStoreReason.EmbeddingInvalid);
    }
  });
}
