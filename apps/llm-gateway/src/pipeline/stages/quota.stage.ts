// Stage 3: does the call fit the tenant's quotas, and the API key's? It reserves one request and
// the tokens the call may use at most (its prompt's estimate and the tokens it may generate),
// after checking that these fit the model's context at all.
import { Injectable } from '@nestjs/common';
import { GatewayReason, gatewayError } from '../../llm-gateway.errors.js';
import { QuotaLedger, type Admission } from '../../quota/quota-ledger.js';
import type { Authorisation } from './authorise.stage.js';

/** What a chat call generates at most when it does not say. */
export const DEFAULT_MAX_TOKENS = 1_024;

export interface Reservation {
  admission: Admission;
  /** The most tokens the runtime is asked to generate (0 for embeddings). */
  maxTokens: number;
}

/** A chat call generates (at most what it asks for, or the default); an embeddings call does not. */
export type Generation = { maxTokens: number | undefined } | 'none';

@Injectable()
export class QuotaStage {
  constructor(private readonly ledger: QuotaLedger) {}

  /**
   * `prompt.tokens`: the estimate of all the call sends (what it reserves); `prompt.longest`: of
   * the longest text the model reads at once (a chat's whole prompt, an embedding's one input).
   */
  async run(authorisation: Authorisation, prompt: { tokens: number; longest: number }, generation: Generation): Promise<Reservation> {
    const room = authorisation.model.context_length - prompt.longest;
    const maxTokens = generation === 'none' ? 0 : (generation.maxTokens ?? Math.min(DEFAULT_MAX_TOKENS, room));
    if ((generation !== 'none' && maxTokens < 1) || maxTokens > room || room < 0) throw gatewayError(GatewayReason.ContextLengthExceeded);
    const admission = await this.ledger.admit({ tenantId: authorisation.tenantId, apiKeyId: authorisation.apiKeyId, quotas: authorisation.policy.quotas }, prompt.tokens + maxTokens);
    return { admission, maxTokens };
  }
}
