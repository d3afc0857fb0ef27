// The gateway's bus handlers: chat (answered once or streamed), embeddings, the models a caller
// may use, the tenant's usage. A model call, streamed or answered once, stops, runtime included, as
// soon as its caller cancels it (the platform unsubscribes, which aborts the call's signal); an
// answer given once stops at the caller's deadline too.
import { Controller } from '@nestjs/common';
import { Observable } from 'rxjs';
import {
  LLM_OPERATIONS,
  type Caller,
  type LlmChatChunk,
  type LlmChatReply,
  type LlmChatRequest,
  type LlmEmbeddingsReply,
  type LlmEmbeddingsRequest,
  type LlmModelList,
  type LlmModelsOverview,
  type LlmUsageQuery,
  type LlmUsageReport,
  type CallContext,
} from '@gardien/contracts';
import { CurrentCallContext, CurrentCaller, Handles, RequestPayload } from '@gardien/platform';
import { ModelCallPipeline } from '../pipeline/model-call.pipeline.js';
import { cancellableAnswer } from './cancellable-answer.js';
import { CallerModels } from './caller-models.js';
import { UsageReports } from './usage-reports.js';

/** The longest a call answered once may run, whatever its caller's deadline says. */
const MAX_CALL_MS = LLM_OPERATIONS.chat.timeoutMs ?? 120_000;

@Controller()
export class ModelCallsMessageController {
  constructor(
    private readonly pipeline: ModelCallPipeline,
    private readonly models: CallerModels,
    private readonly usage: UsageReports,
  ) {}

  @Handles(LLM_OPERATIONS.chat)
  chat(@RequestPayload() request: LlmChatRequest, @CurrentCaller() caller: Caller, @CurrentCallContext() context: CallContext): Observable<LlmChatReply> {
    return cancellableAnswer((cancelled) => this.pipeline.chat(caller, request, AbortSignal.any([cancelled, deadlineOf(caller)]), context.token));
  }

  @Handles(LLM_OPERATIONS.chatStream)
  chatStream(@RequestPayload() request: LlmChatRequest, @CurrentCaller() caller: Caller, @CurrentCallContext() context: CallContext): Observable<LlmChatChunk> {
    return new Observable<LlmChatChunk>((subscriber) => {
      const controller = new AbortController();
      const chunks = this.pipeline.chatStream(caller, request, controller.signal, context.token);
      void (async () => {
        try {
          for await (const chunk of chunks) {
            if (subscriber.closed) break;
            subscriber.next(chunk);
          }
          subscriber.complete();
        } catch (error) {
          subscriber.error(error);
        }
      })();
      // Cancelled by the caller, or past the stream's limit: the runtime stops generating.
      return () => controller.abort();
    });
  }

  @Handles(LLM_OPERATIONS.embeddings)
  embeddings(@RequestPayload() request: LlmEmbeddingsRequest, @CurrentCaller() caller: Caller): Observable<LlmEmbeddingsReply> {
    return cancellableAnswer((cancelled) => this.pipeline.embeddings(caller, request, AbortSignal.any([cancelled, deadlineOf(caller)])));
  }

  @Handles(LLM_OPERATIONS.listModels)
  listModels(@CurrentCaller() caller: Caller): Promise<LlmModelList> {
    return this.models.of(caller);
  }

  @Handles(LLM_OPERATIONS.modelsOverview)
  modelsOverview(@CurrentCaller() caller: Caller): Promise<LlmModelsOverview> {
    return this.models.overview(caller);
  }

  @Handles(LLM_OPERATIONS.usage)
  usageReport(@RequestPayload() query: LlmUsageQuery, @CurrentCaller() caller: Caller): Promise<LlmUsageReport> {
    return this.usage.of(caller, query);
  }
}

function deadlineOf(caller: Caller): AbortSignal {
  const left = caller.deadline === undefined ? MAX_CALL_MS : Math.max(1, Math.min(MAX_CALL_MS, caller.deadline - Date.now()));
  return AbortSignal.timeout(left);
}
