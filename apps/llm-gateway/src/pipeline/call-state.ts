// What one model call has gathered as it went through the stages: enough to meter it, audit it
// and answer it, and nothing of its content (no prompt, no answer, no identifier).
import { randomUUID } from 'node:crypto';
import type { CatalogueModel, Caller, LlmChatRequest, LlmFlags, LlmUsage, ModelPolicy } from '@gardien/contracts';
import type { TokenUsage } from '@gardien/llm-runtime';
import type { CallDecision, CallRecord } from './stages/audit.stage.js';
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
  promptEstimate = 0;
  replaced: Record<string, number> = {};
  injectionFlagged = false;
  leaked: Record<string, number> = {};
  invented = 0;
  /** Whether the runtime was asked: from then on the call is metered, not given back. */
  reachedRuntime = false;
  private promptTokens = 0;
  private completionTokens = 0;

  constructor(
    readonly kind: CallRecord['kind'],
    readonly caller: Caller,
    /** The model the call asks for, as it named it (audited by its name-based uuid, never as text). */
    readonly requestedModel: string,
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

  used(usage: TokenUsage): void {
    this.promptTokens = usage.promptTokens;
    this.completionTokens = usage.completionTokens;
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
      model: this.authorisation?.model.id ?? this.requestedModel,
      purpose: this.authorisation?.purpose ?? null,
      subject: this.subject,
      streamed: this.streamed,
      decision,
      ...(refusal ? { stage: refusal.stage, ...(refusal.error.reason ? { reason: refusal.error.reason } : {}) } : {}),
      promptTokens: this.promptTokens,
      completionTokens: this.completionTokens,
      replaced: this.replaced,
      injectionFlagged: this.injectionFlagged,
      leaked: this.leaked,
      inventedPlaceholders: this.invented,
      timings: this.timings,
    };
  }

  private authorised(): Authorisation {
    if (!this.authorisation) throw new Error('the call is not authorised yet');
    return this.authorisation;
  }
}
