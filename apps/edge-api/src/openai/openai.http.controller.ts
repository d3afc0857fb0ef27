// The OpenAI-compatible surface: what existing OpenAI SDKs call, with a tenant API key (or an
// access token) as the bearer token. Its answers and errors take OpenAI's shapes (the edge's one
// exception filter switches to them under /v1). The chat and embeddings routes come with the LLM
// gateway; the models route lists what the caller may call.
import { Controller, Get, Header, Req, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { BusClient, TENANT_OPERATIONS } from '@gardien/contracts';
import { EdgeAuthGuard } from '../authentication/edge-auth.guard.js';
import { callerOf } from '../authentication/edge-caller.js';
import { operationCallContext } from '../http/request-context.js';
import { openAiModelList, type OpenAiModelList } from './openai-models.js';

@Controller('v1')
export class OpenAiHttpController {
  constructor(private readonly bus: BusClient) {}

  @Get('models')
  @UseGuards(EdgeAuthGuard)
  @Header('cache-control', 'no-store')
  async models(@Req() request: FastifyRequest): Promise<OpenAiModelList> {
    const reply = await this.bus.call(TENANT_OPERATIONS.listModels, {}, operationCallContext(request, callerOf(request)?.token));
    return openAiModelList(reply.models);
  }
}
