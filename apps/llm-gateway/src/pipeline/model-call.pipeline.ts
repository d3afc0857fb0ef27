// One model call, through the stages of the design in their order: authorise -> legal basis ->
// (retrieval, when a chat asks for it) -> quota -> input guards -> pseudonymise -> runtime ->
// output guards -> re-identify -> meter -> audit. Any stage that throws refuses the call (fail closed) with its stage's reason. Every call
// leaves one audit entry, answered or not; its use of the day is written in the same transaction,
// and its quota counters change right after (CallSettlements); a call that never reached the model
// gives back what it reserved of the quotas. A call the runtime was asked to serve is metered
// however it ends (failed, timed out, cancelled): its request stays counted, its tokens as far as
// known (the prompt's estimate at least). A caller that goes away (the signal) stops the generation; what was produced is metered.
// A call holds one of its tenant's places in this replica's in-flight limits from before its
// admission (so that the tenant's admissions waiting in this replica are bounded by its places)
// until its work is over, when its settlement begins.
import { Inject, Injectable, Optional } from '@nestjs/common';
import { GardienError, type Caller, type LlmChatChunk, type LlmChatMessage, type LlmChatReply, type LlmChatRequest, type LlmEmbeddingsReply, type LlmEmbeddingsRequest, type RetrievedChunk, type SearchResult } from '@gardien/contracts';
import type { Logger } from '@gardien/observability';
import { LOGGER } from '@gardien/platform';
import type { FinishReason as RuntimeFinishReason, TokenUsage } from '@gardien/llm-runtime';
import { GatewayReason } from '../llm-gateway.errors.js';
import { InFlightLimits } from '../quota/in-flight-limits.js';
import { CallSettlements } from './call-settlements.js';
import { CallState } from './call-state.js';
import { StageRefusal, refusalOf, runStage, type StageName } from './stage.js';
import { estimatePromptTokens, utf8Bytes } from './token-estimate.js';
import { AuditStage, type CallDecision, type DroppedChunkReason } from './stages/audit.stage.js';
import { AuthoriseStage } from './stages/authorise.stage.js';
import { InputGuardsStage } from './stages/input-guards.stage.js';
import { LegalBasisStage } from './stages/legal-basis.stage.js';
import { MeterStage, type Metering } from './stages/meter.stage.js';
import { OutputGuardsStage } from './stages/output-guards.stage.js';
import { PseudonymiseStage, type PseudonymisedTexts } from './stages/pseudonymise.stage.js';
import { DEFAULT_MAX_TOKENS, QuotaStage } from './stages/quota.stage.js';
import { RetrievalStage } from './stages/retrieval.stage.js';
import { fitRetrievedChunks, newBoundary, questionOf, withRetrievedContext } from '../retrieval/retrieved-context.js';
import { ReidentifyStage } from './stages/reidentify.stage.js';
import { CallCancelled, RuntimeStage } from './stages/runtime.stage.js';
import { ResidualIdentifiers } from './residual-identifiers.js';

/** The stages, injected one by one so that each can be replaced in a test (a recogniser that throws, a guard that throws). */
@Injectable()
export class PipelineStages {
  constructor(
    readonly authorise: AuthoriseStage,
    readonly legalBasis: LegalBasisStage,
    readonly quota: QuotaStage,
    readonly retrieval: RetrievalStage,
    readonly inputGuards: InputGuardsStage,
    readonly pseudonymise: PseudonymiseStage,
    readonly runtime: RuntimeStage,
    readonly outputGuards: OutputGuardsStage,
    readonly reidentify: ReidentifyStage,
    readonly meter: MeterStage,
    readonly audit: AuditStage,
  ) {}
}

interface PreparedChat {
  state: CallState;
  /** The caller's messages, with the retrieved chunks kept quoted among them when the call asked for some. */
  messages: LlmChatMessage[];
  /** The chunks given to the model, by id and score, for the reply. */
  retrieved: RetrievedChunk[] | undefined;
  /** The messages, then the stop sequences, pseudonymised through one map. */
  pseudonymised: PseudonymisedTexts;
  prompt: string[];
  /** The stop sequences as the runtime gets them: pseudonymised. */
  stop: string[];
}

const seconds = () => Math.floor(Date.now() / 1000);

function countOf(text: string, character: string): number {
  let count = 0;
  for (let at = text.indexOf(character); at !== -1; at = text.indexOf(character, at + 1)) count++;
  return count;
}

@Injectable()
export class ModelCallPipeline {
  constructor(
    private readonly stages: PipelineStages,
    private readonly settlements: CallSettlements,
    private readonly inFlight: InFlightLimits,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() private readonly residual?: ResidualIdentifiers,
  ) {}

  /** `token`: the caller's, for this service (a retrieval asks the vector store with it, exchanged). */
  async chat(caller: Caller, request: LlmChatRequest, signal: AbortSignal, token?: string): Promise<LlmChatReply> {
    const { state, messages: prepared, retrieved, pseudonymised, prompt, stop } = await this.prepareChat(caller, request, false, signal, token);
    try {
      const messages = prepared.map((message, i) => ({ role: message.role, content: pseudonymised.texts[i]! }));
      this.enterRuntime(state, signal, pseudonymised.texts);
      const result = await runStage('runtime', state.timings, () => this.stages.runtime.chat(state.model(), messages, state.sampling(request, stop), signal));
      state.used(result.usage);
      const leaks = await runStage('output_guards', state.timings, () => this.stages.outputGuards.run(result.content, prompt, state.policy().guards.output_leaks));
      state.leaked = leaks.leaked;
      const answer = await runStage('reidentify', state.timings, () => this.stages.reidentify.run(result.content, pseudonymised.map));
      state.invented = answer.invented;
      await this.settle(state, 'answered');
      return {
        id: state.callId,
        model: state.model().id,
        created: seconds(),
        content: answer.text,
        finish_reason: finishReasonOf(result.finishReason),
        usage: state.usage(),
        flags: state.flags(),
        ...(retrieved ? { retrieved_chunks: retrieved } : {}),
      };
    } catch (error) {
      throw await this.refused(state, error);
    }
  }

  /**
   * The answer as it comes: `start` once every stage before the runtime has passed and the runtime
   * has begun to answer, pieces of the answer (re-identified, and scanned for leaks before they are
   * released), then `end`. Leaving the
   * iteration early, or aborting `signal`, stops the runtime; the call is then metered as far as it went.
   */
  async *chatStream(caller: Caller, request: LlmChatRequest, signal: AbortSignal, token?: string): AsyncGenerator<LlmChatChunk> {
    const { state, messages: prepared, retrieved, pseudonymised, prompt, stop } = await this.prepareChat(caller, request, true, signal, token);
    const messages = prepared.map((message, i) => ({ role: message.role, content: pseudonymised.texts[i]! }));
    const guard = this.stages.outputGuards.streaming(prompt, state.policy().guards.output_leaks);
    const reidentifier = this.stages.reidentify.streaming(pseudonymised.map);
    let produced = '';
    let ended: { usage: TokenUsage; finishReason: RuntimeFinishReason } | undefined;
    let settled = false;
    // `start` waits for the runtime's first event: a runtime that fails before it (down, refusing,
    // timing out) refuses the call as a whole, so that the edge answers with the error's status
    // rather than a 200 whose stream then carries the error.
    const start: LlmChatChunk = { type: 'start', id: state.callId, model: state.model().id, created: seconds(), ...(retrieved ? { retrieved_chunks: retrieved } : {}) };
    let startSent = false;
    try {
      const started = performance.now();
      try {
        this.enterRuntime(state, signal, pseudonymised.texts);
        for await (const event of this.stages.runtime.chatStream(state.model(), messages, state.sampling(request, stop), signal)) {
          if (!startSent) {
            startSent = true;
            yield start;
          }
          if (event.type === 'end') {
            ended = { usage: event.usage, finishReason: event.finishReason };
            continue;
          }
          produced += event.content;
          const released = inStage('output_guards', () => guard.push(event.content));
          const text = inStage('reidentify', () => reidentifier.push(released));
          if (text !== '') yield { type: 'delta', content: text };
        }
      } finally {
        state.timings.add('runtime', performance.now() - started);
      }
      if (!startSent) {
        startSent = true;
        yield start;
      }
      const rest = inStage('reidentify', () => reidentifier.push(inStage('output_guards', () => guard.end())) + reidentifier.end());
      if (rest !== '') yield { type: 'delta', content: rest };
      state.leaked = guard.leaked;
      state.invented = reidentifier.invented;
      state.used(ended?.usage ?? state.estimatedUsage(produced));
      settled = true;
      await this.settle(state, 'answered');
      yield { type: 'end', finish_reason: finishReasonOf(ended?.finishReason ?? 'other'), usage: state.usage(), flags: state.flags() };
    } catch (error) {
      settled = true;
      state.leaked = guard.leaked;
      state.invented = reidentifier.invented;
      if (!ended) state.used(state.estimatedUsage(produced));
      throw await this.refused(state, refusalAt(error, 'runtime'));
    } finally {
      // Left early by the caller (the stream was cancelled): metered as far as it went.
      if (!settled) {
        state.used(ended?.usage ?? state.estimatedUsage(produced));
        await this.settle(state, 'cancelled').catch((error: unknown) => this.logSettleFailure(state, error));
      }
    }
  }

  async embeddings(caller: Caller, request: LlmEmbeddingsRequest, signal: AbortSignal): Promise<LlmEmbeddingsReply> {
    const state = new CallState('embeddings', caller, this.stages.authorise.listed(request.model), request.subject ?? null, false);
    try {
      const authorisation = await runStage('authorise', state.timings, () => this.stages.authorise.run(caller, request, 'embeddings'));
      state.authorisation = authorisation;
      await runStage('legal_basis', state.timings, () => this.stages.legalBasis.run(authorisation.policy, authorisation.purpose));
      const estimates = request.input.map((text) => estimatePromptTokens([text]));
      // What a call cut short (cancelled, timed out) is charged: the runtime never counted it.
      state.promptEstimate = estimates.reduce((sum, n) => sum + n, 0);
      // The in-flight place first: a call refused for want of one costs the database nothing.
      state.slot = await runStage('quota', state.timings, () => this.inFlight.acquire(authorisation.tenantId));
      state.reservation = await runStage('quota', state.timings, () => this.stages.quota.run(authorisation, { tokens: state.promptEstimate, longest: Math.max(...estimates) }, 'none'));
      const inspection = await runStage('input_guards', state.timings, () => this.stages.inputGuards.scan(request.input));
      // Vectors are computed from the pseudonymised text: never from clear identifiers.
      const pseudonymised = await runStage('pseudonymise', state.timings, () => this.stages.pseudonymise.run(request.input, inspection));
      state.replaced = pseudonymised.replaced;
      this.enterRuntime(state, signal, pseudonymised.texts);
      const result = await runStage('runtime', state.timings, () => this.stages.runtime.embed(authorisation.model, pseudonymised.texts, signal));
      state.used({ promptTokens: result.promptTokens, completionTokens: 0 });
      await this.settle(state, 'answered');
      return { model: authorisation.model.id, embeddings: result.vectors, usage: { prompt_tokens: result.promptTokens } };
    } catch (error) {
      throw await this.refused(state, error);
    }
  }

  /** The stages of a chat call before the runtime; a refusal is audited (and the reservation given back) before it is thrown. */
  private async prepareChat(caller: Caller, request: LlmChatRequest, streamed: boolean, signal: AbortSignal, token: string | undefined): Promise<PreparedChat> {
    const state = new CallState('chat', caller, this.stages.authorise.listed(request.model), request.subject ?? null, streamed);
    try {
      const authorisation = await runStage('authorise', state.timings, () => this.stages.authorise.run(caller, request, 'chat'));
      state.authorisation = authorisation;
      await runStage('legal_basis', state.timings, () => this.stages.legalBasis.run(authorisation.policy, authorisation.purpose));
      // Retrieval before the in-flight place and the quotas: the vector store embeds the question
      // through this gateway (a call of the same tenant that takes a place of its own, which the chat
      // must not be holding), and the chunks are prompt that the quotas and the context must count.
      let messages = request.messages;
      let context: number | undefined;
      let retrieved: RetrievedChunk[] | undefined;
      /** With retrieved chunks, the room they were fitted to leave for the answer: what the runtime is then asked for. */
      let answerRoom: number | undefined;
      if (request.retrieval) {
        const retrieval = request.retrieval;
        const chunks = await runStage('retrieval', state.timings, () =>
          this.stages.retrieval.run({ caller, token, retrieval, purpose: authorisation.purpose, question: questionOf(request.messages), signal }),
        );
        // Each chunk judged alone before it joins the prompt: one that reads as an injection is
        // dropped (audited by its ids), the call goes on with the others, or without context.
        const admitted = await runStage('input_guards', state.timings, () => this.stages.inputGuards.admitChunks(chunks));
        // Then those that fit the model's context with the caller's prompt and room for the answer,
        // bounded whatever they hold (a chunk of emoji costs several tokens a character): a document
        // that does not fit is dropped, so that none can get its tenant's retrievals refused.
        const boundary = newBoundary();
        const tokens = await this.chunkTokensAtMost(state, request.messages, admitted.kept);
        const contextLength = authorisation.model.context_length;
        answerRoom = request.max_tokens ?? Math.min(DEFAULT_MAX_TOKENS, Math.ceil(contextLength / 4));
        const fitted = fitRetrievedChunks(request.messages, admitted.kept, (chunk) => tokens.get(chunk)!, contextLength - answerRoom, boundary);
        const droppedAs = (reason: DroppedChunkReason) => ({ document_id, chunk_id }: SearchResult) => ({ documentId: document_id, chunkId: chunk_id, reason });
        state.retrieval = { used: fitted.kept.length, dropped: [...admitted.dropped.map(droppedAs('injection')), ...fitted.dropped.map(droppedAs('context-length'))] };
        retrieved = fitted.kept.map(({ document_id, chunk_id, score }) => ({ document_id, chunk_id, score }));
        // From here on the chunks kept are prompt: counted, scanned, pseudonymised under the prompt's mapping.
        ({ messages, context } = withRetrievedContext(request.messages, fitted.kept.map((chunk) => chunk.chunk), boundary));
      }
      const prompt = messages.map((message) => message.content);
      const estimate = estimatePromptTokens(prompt);
      state.promptEstimate = estimate;
      // The in-flight place first: a call refused for want of one costs the database nothing.
      state.slot = await runStage('quota', state.timings, () => this.inFlight.acquire(authorisation.tenantId));
      state.reservation = await runStage('quota', state.timings, () => this.stages.quota.run(authorisation, { tokens: estimate, longest: estimate }, { maxTokens: request.max_tokens ?? answerRoom }));
      const stops = request.stop ?? [];
      const inspection = await runStage('input_guards', state.timings, () => this.stages.inputGuards.run(messages, authorisation.policy.guards, stops, context));
      state.injectionFlagged = inspection.injectionFlagged;
      // The stop sequences after the messages, through the same map: an identifier of the prompt
      // named in a stop sequence is its placeholder there too, which is what the model writes.
      const pseudonymised = await runStage('pseudonymise', state.timings, () =>
        this.stages.pseudonymise.run([...prompt, ...stops], [...inspection.findings, ...inspection.stopFindings]),
      );
      state.replaced = pseudonymised.replaced;
      return { state, messages, retrieved, pseudonymised, prompt, stop: pseudonymised.texts.slice(prompt.length) };
    } catch (error) {
      throw await this.refused(state, error);
    }
  }

  /**
   * The most tokens each chunk can cost the model as it will receive it: the UTF-8 bytes of its text
   * pseudonymised alone (a placeholder can be longer than what it replaces: `<PERSON_1>` for "Li"),
   * and room for each placeholder's number to be longer in the call's own mapping, whose numbers
   * count at most the placeholders of the chunks and the identifiers of the caller's messages
   * (no more than half their bytes: an identifier found is two characters at least).
   */
  private async chunkTokensAtMost(state: CallState, messages: readonly LlmChatMessage[], chunks: readonly SearchResult[]): Promise<Map<SearchResult, number>> {
    const texts = chunks.map((chunk) => chunk.chunk);
    const findings = await runStage('input_guards', state.timings, () => this.stages.inputGuards.scan(texts));
    const alone = await runStage('pseudonymise', state.timings, () => texts.map((text, i) => this.stages.pseudonymise.run([text], [findings[i]!]).texts[0]!));
    const placeholders = alone.map((text) => countOf(text, '<'));
    const most = placeholders.reduce((sum, n) => sum + n, 0) + Math.ceil(messages.reduce((sum, message) => sum + utf8Bytes(message.content), 0) / 2);
    // A number of the call's mapping has at most this many more digits than 1, the first number of a chunk's own.
    const room = String(Math.max(most, 1)).length - 1;
    return new Map(chunks.map((chunk, i) => [chunk, utf8Bytes(alone[i]!) + room * placeholders[i]!]));
  }

  /**
   * Gives back the call's in-flight place, then meters (or gives back) and audits the call, in one
   * transaction of its tenant's (shared with the tenant's other settlements waiting then: CallSettlements).
   */
  private async settle(state: CallState, decision: CallDecision, refusal?: StageRefusal): Promise<void> {
    // The call's work is over: its place goes back before its settlement is written, so that a
    // caller who left may call again at once (its place is not held through a commit).
    state.slot?.release();
    await this.meterAndAudit(state, decision, refusal);
  }

  private async meterAndAudit(state: CallState, decision: CallDecision, refusal?: StageRefusal): Promise<void> {
    // Asked, unless the runtime could not be reached or refused to serve (down, its breaker open) before producing anything.
    const metered = state.reachedRuntime && (refusal?.error.reason !== GatewayReason.RuntimeUnavailable || state.tokens().completionTokens > 0);
    if (metered) state.countPromptAtLeast();
    const reservation = state.reservation;
    const authorisation = state.authorisation;
    let metering: Metering | null = null;
    if (reservation && authorisation) {
      metering = await runStage('meter', state.timings, () =>
        metered
          ? this.stages.meter.record({ tenantId: authorisation.tenantId, apiKeyId: authorisation.apiKeyId, model: state.model().id, admission: reservation.admission, ...state.tokens() })
          : this.stages.meter.release(reservation.admission),
      );
    }
    const audit = await runStage('audit', state.timings, () => this.stages.audit.entry(state.caller, state.record(decision, refusal)));
    // The write of both, after the entry was made: its time is in no stage of the entry (it is its own
    // write); a failure to write is the meter's (nothing was metered, and the entry went with it).
    await runStage('meter', state.timings, () => this.settlements.write({ tenantId: authorisation?.tenantId ?? null, metering, audit }));
  }

  /**
   * The runtime is asked from here on, unless the caller already went away (then it never is, and the call is not charged).
   * `texts`: what it receives, scanned once more for identifiers left (a measure, ResidualIdentifiers: nothing changes).
   */
  private enterRuntime(state: CallState, signal: AbortSignal, texts: readonly string[]): void {
    this.stages.runtime.ensureWanted(signal);
    this.residual?.check(state, texts);
    state.reachedRuntime = true;
  }

  /** Settles a call that did not end answered, and gives the error its caller gets. */
  private async refused(state: CallState, error: unknown): Promise<Error> {
    if (error instanceof CallCancelled) {
      await this.settle(state, 'cancelled').catch((failure: unknown) => this.logSettleFailure(state, failure));
      return error;
    }
    const refusal = error instanceof StageRefusal ? error : refusalOf('runtime', error);
    const decision = refusal.decided && !isRuntimeReason(refusal.error) ? 'refused' : 'failed';
    // A failure (the runtime's, or a stage's own) is the operator's to see: by its codes, never its words.
    if (decision === 'failed') this.logger.warn({ event: 'model_call_failed', callId: state.callId, stage: refusal.stage, reason: refusal.error.reason ?? null }, 'a model call failed');
    try {
      await this.settle(state, decision, refusal);
    } catch (failure) {
      // The refusal stands; the audit entry that could not be written is logged by id.
      this.logSettleFailure(state, failure);
    }
    return refusal.error;
  }

  private logSettleFailure(state: CallState, error: unknown): void {
    const stage = error instanceof StageRefusal ? error.stage : 'meter';
    this.logger.error({ event: 'model_call_not_recorded', callId: state.callId, stage }, 'a model call could not be metered or audited');
  }
}

/** A throw during the stream: a stage's refusal as it is, anything else the runtime stage's. */
function refusalAt(error: unknown, stage: StageName): unknown {
  return error instanceof StageRefusal || error instanceof CallCancelled ? error : refusalOf(stage, error);
}

/** Runs synchronous work of a stage inside the stream, its throw made the stage's refusal. */
function inStage<T>(stage: StageName, work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw refusalOf(stage, error);
  }
}

const RUNTIME_REASONS = new Set(['runtime_unavailable', 'runtime_timeout', 'runtime_bad_response', 'runtime_rejected', 'model_unavailable']);

function isRuntimeReason(error: GardienError): boolean {
  return error.reason !== undefined && RUNTIME_REASONS.has(error.reason);
}

function finishReasonOf(reason: RuntimeFinishReason): LlmChatReply['finish_reason'] {
  return reason === 'length' ? 'length' : 'stop';
}

