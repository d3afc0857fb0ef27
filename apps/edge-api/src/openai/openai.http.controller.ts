// The OpenAI-compatible surface: what existing OpenAI SDKs call, with a tenant API key (or an
// access token) as the bearer token. Its answers and errors take OpenAI's shapes (the edge's one
// exception filter switches to them under /v1). The chat and embeddings routes come with the LLM
// gateway; the models route lists what the caller may call.
import { Controller, Get, Header, Req, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { BusClient, TENANT_OPERATIONS } from '@gardien/contracts';
import { EdgeAuthGuard } from '../authentication/edge-auth.guard.js';
import { CalleeContexts } from '../authentication/callee-context.service.js';
import { callerOf } from '../authentication/edge-caller.js';
import { openAiModelList, type OpenAiModelList } from './openai-models.js';

@Controller('v1')
export class OpenAiHttpController {
  constructor(
    private readonly bus: BusClient,
    private readonly callees: CalleeContexts,
  ) {}

  @Get('models')
  @UseGuards(EdgeAuthGuard)
  @Header('cache-control', 'no-store')
  async models(@Req() request: FastifyRequest): Promise<OpenAiModelList> {
    const operation = TENANT_OPERATIONS.listModels;
    const reply = await this.bus.call(operation, {}, await this.callees.of(request, callerOf(request), operation.service));
    return openAiModelList(reply.models);
  }
}
