// What one model call has gathered as it went through the stages: enough to meter it, audit it
// and answer it, and nothing of its content (no prompt, no answer, no identifier).
import { randomUUID } from 'node:crypto';
import type { CatalogueModel, Caller, LlmChatRequest, LlmFlags, LlmUsage, ModelPolicy } from '@gardien/contracts';
import type { TokenUsage } from '@gardien/llm-runtime';
import type { CallDecision, CallRecord, RetrievalRecord } from './stages/audit.stage.js';
import type { InFlightSlot } from '../quota/in-flight-limits.js';
import type { Authorisation } from './stages/authorise.stage.js';
import type { Reservation } from './stages/quota.stage.js';
import type { Sampling } from './stages/runtime.stage.js';
import { StageTimings, type StageRefusal } from './stage.js';
import { estimatePromptTokens } from './token-estimate.js';

export class CallState {
  readonly callId = randomUUID();
  readonly timings = new StageTimings();
  authorisation: Authorisation | undefined;
  reservation: Reservation | undefined;
  /** Its place in the in-flight limits, from its admission to its settlement. */
  slot: InFlightSlot | undefined;
  promptEstimate = 0;
  replaced: Record<string, number> = {};
  injectionFlagged = false;
  /** For a retrieval-augmented chat, once its chunks were judged: how many the model is given, and the ids of those dropped. */
  retrieval: RetrievalRecord | undefined;
  leaked: Record<string, number> = {};
  invented = 0;
  /** Whether the runtime was asked: from then on the call is metered, not given back. */
  reachedRuntime = false;
  private counted = false;
  private promptTokens = 0;
  private completionTokens = 0;

  constructor(
    readonly kind: CallRecord['kind'],
    readonly caller: Caller,
    /**
     * The model the call asks for when the catalogue lists it (audited by its name-based uuid), or
     * null: what a caller typed that names no model of the catalogue is never kept.
     */
    readonly listedModel: string | null,
    readonly subject: string | null,
    readonly streamed: boolean,
  ) {}

  model(): CatalogueModel {
    return this.authorised().model;
  }

  policy(): ModelPolicy {
    return this.authorised().policy;
  }

  /** What the runtime is asked to generate with: `stop` pseudonymised, as the messages. */
  sampling(request: Pick<LlmChatRequest, 'temperature' | 'top_p'>, stop: string[]): Sampling {
    return { maxTokens: this.reservation?.maxTokens ?? 1, temperature: request.temperature, topP: request.top_p, stop };
  }

  /** What the runtime counted; a prompt it did not count (some runtimes omit it for a cached prompt) is the estimate. */
  used(usage: TokenUsage): void {
    this.counted = true;
    this.promptTokens = usage.promptTokens > 0 ? usage.promptTokens : this.promptEstimate;
    this.completionTokens = usage.completionTokens;
  }

  /** For a call the runtime was asked to serve and that ended before it counted anything: the prompt's estimate. */
  countPromptAtLeast(): void {
    if (!this.counted) this.used(this.estimatedUsage(''));
  }

  /** When the runtime could not say (the call was cut short): the prompt's estimate, and what was produced. */
  estimatedUsage(produced: string): TokenUsage {
    return { promptTokens: this.promptEstimate, completionTokens: produced === '' ? 0 : estimatePromptTokens([produced]) - estimatePromptTokens(['']) };
  }

  tokens(): { promptTokens: number; completionTokens: number } {
    return { promptTokens: this.promptTokens, completionTokens: this.completionTokens };
  }

  usage(): LlmUsage {
    return { prompt_tokens: this.promptTokens, completion_tokens: this.completionTokens };
  }

  flags(): LlmFlags {
    return { injection: this.injectionFlagged, leaked: { ...this.leaked }, invented_placeholders: this.invented };
  }

  record(decision: CallDecision, refusal?: StageRefusal): CallRecord {
    return {
      kind: this.kind,
      tenantId: this.caller.tenantId,
      model: this.authorisation?.model.id ?? this.listedModel,
      purpose: this.declaredPurpose(),
      subject: this.subject,
      streamed: this.streamed,
      decision,
      ...(refusal ? { stage: refusal.stage, ...(refusal.error.reason ? { reason: refusal.error.reason } : {}) } : {}),
      promptTokens: this.promptTokens,
      completionTokens: this.completionTokens,
      replaced: this.replaced,
      injectionFlagged: this.injectionFlagged,
      ...(this.retrieval ? { retrieval: this.retrieval } : {}),
      leaked: this.leaked,
      inventedPlaceholders: this.invented,
      timings: this.timings,
    };
  }

  /** The purpose of the call, once known to be one the tenant declared: a name a person typed that is not one is never kept. */
  private declaredPurpose(): string | null {
    const authorisation = this.authorisation;
    if (!authorisation) return null;
    return authorisation.policy.purposes.some((declared) => declared.id === authorisation.purpose) ? authorisation.purpose : null;
  }

  private authorised(): Authorisation {
    if (!this.authorisation) throw new Error('the call is not authorised yet');
    return this.authorisation;
  }
}
