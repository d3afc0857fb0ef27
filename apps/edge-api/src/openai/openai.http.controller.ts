// The OpenAI-compatible surface: what existing OpenAI SDKs call, with a tenant API key (or an
// access token) as the bearer token. Its answers and errors take OpenAI's shapes (the edge's one
// exception filter switches to them under /v1). Each route translates OpenAI's document to the
// gateway's request (refusing, before any bus call, what Gardien does not serve), makes the one bus
// call with the caller's token exchanged for the gateway, and translates the answer back. A client
// that goes away stops its model call, streamed or not (clientGone).
import { Controller, Get, Header, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BusClient, GardienError, LLM_OPERATIONS, type ErrorDetail } from '@gardien/contracts';
import { EdgeAuthGuard } from '../authentication/edge-auth.guard.js';
import { CalleeContexts } from '../authentication/callee-context.service.js';
import { callerOf } from '../authentication/edge-caller.js';
import { streamStallMsOf, type EdgeConfig } from '../config.js';
import { clientGone, writeStream } from '../operations/reply-writers.js';
import { EDGE_CONFIG } from '../tokens.js';
import { PURPOSE_HEADER, SUBJECT_HEADER, callHintsOf } from './gardien-headers.js';
import { chatCallOf } from './openai-chat-request.js';
import { chatCompletionOf, type OpenAiChatCompletion } from './openai-chat-response.js';
import { OPENAI_EVENT_STREAM, openAiChunkTexts } from './openai-chat-stream.js';
import { embeddingListOf, embeddingsCallOf, type OpenAiEmbeddingList } from './openai-embeddings.js';
import { openAiModelList, type OpenAiModelList } from './openai-models.js';

/** Where the gateway's validation errors are, in the words of an OpenAI request: its body, or the Gardien headers. */
const HEADER_OF_FIELD: Readonly<Record<string, string>> = { purpose: PURPOSE_HEADER.toLowerCase(), subject: SUBJECT_HEADER.toLowerCase() };

function inOpenAiTerms(error: unknown): unknown {
  if (!(error instanceof GardienError) || !error.details) return error;
  const details = error.details.map((detail): ErrorDetail => {
    const [root, field, ...rest] = detail.path?.split('.') ?? [];
    if (root !== 'payload' || field === undefined) return { reason: detail.reason };
    const header = Object.hasOwn(HEADER_OF_FIELD, field) ? HEADER_OF_FIELD[field] : undefined;
    return { path: header ? `headers.${header}` : ['body', field, ...rest].join('.'), reason: detail.reason };
  });
  return new GardienError(error.code, error.message, details, {
    ...(error.reason !== undefined ? { reason: error.reason } : {}),
    ...(error.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
  });
}

@Controller('v1')
@UseGuards(EdgeAuthGuard)
export class OpenAiHttpController {
  constructor(
    private readonly bus: BusClient,
    private readonly callees: CalleeContexts,
    @Inject(EDGE_CONFIG) private readonly config: EdgeConfig,
  ) {}

  @Get('models')
  @Header('cache-control', 'no-store')
  async models(@Req() request: FastifyRequest): Promise<OpenAiModelList> {
    const operation = LLM_OPERATIONS.listModels;
    const reply = await this.bus.call(operation, {}, await this.contextOf(request)).catch(rethrow);
    return openAiModelList(reply);
  }

  @Post('chat/completions')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  async chatCompletions(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<OpenAiChatCompletion | undefined> {
    const call = chatCallOf(request.body, callHintsOf(request.headers, request.raw.rawHeaders));
    const context = await this.contextOf(request);
    if (!call.stream) return chatCompletionOf(await this.bus.call(LLM_OPERATIONS.chat, call.request, context, { signal: clientGone(reply) }).catch(rethrow));
    const operation = LLM_OPERATIONS.chatStream;
    const chunks = this.bus.stream(operation, call.request, context, { signal: clientGone(reply) });
    await writeStream(request, reply, openAiChunkTexts(chunks, call.includeUsage), streamStallMsOf(this.config, this.bus.idleTimeoutOf(operation)), OPENAI_EVENT_STREAM).catch(rethrow);
    return undefined;
  }

  @Post('embeddings')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  async embeddings(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<OpenAiEmbeddingList> {
    const call = embeddingsCallOf(request.body, callHintsOf(request.headers, request.raw.rawHeaders));
    const answer = await this.bus.call(LLM_OPERATIONS.embeddings, call.request, await this.contextOf(request), { signal: clientGone(reply) }).catch(rethrow);
    return embeddingListOf(answer, call.encoding);
  }

  private contextOf(request: FastifyRequest) {
    return this.callees.of(request, callerOf(request), 'llm-gateway');
  }
}

function rethrow(error: unknown): never {
  throw inOpenAiTerms(error);
}
