import { Controller, UseGuards } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AUTH_SUBJECTS,
  ApiKeyRef,
  CreateApiKeyRequest,
  Empty,
  ExchangeApiKeyRequest,
  type ApiKeyList,
  type CallContext,
  type CreatedApiKey,
  type ExchangedApiKey,
  type Principal,
} from '@gardien/contracts';
import { BusAuthGuard, Caller, CurrentPrincipal, ZodPayloadPipe } from '@gardien/platform';
import { ApiKeysService } from './api-keys.service.js';

@Controller()
export class ApiKeysMessageController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @UseGuards(BusAuthGuard)
  @MessagePattern(AUTH_SUBJECTS.createApiKey)
  create(@Payload(new ZodPayloadPipe(CreateApiKeyRequest)) request: CreateApiKeyRequest, @CurrentPrincipal() principal: Principal, @Caller() caller: CallContext): Promise<CreatedApiKey> {
    return this.apiKeys.create(principal, request, caller);
  }

  @UseGuards(BusAuthGuard)
  @MessagePattern(AUTH_SUBJECTS.listApiKeys)
  async list(@Payload(new ZodPayloadPipe(Empty)) _: Empty, @CurrentPrincipal() principal: Principal): Promise<ApiKeyList> {
    return { api_keys: await this.apiKeys.list(principal) };
  }

  @UseGuards(BusAuthGuard)
  @MessagePattern(AUTH_SUBJECTS.revokeApiKey)
  async revoke(@Payload(new ZodPayloadPipe(ApiKeyRef)) request: ApiKeyRef, @CurrentPrincipal() principal: Principal, @Caller() caller: CallContext): Promise<Empty> {
    await this.apiKeys.revoke(principal, request.id, caller.requestId);
    return {};
  }

  @UseGuards(BusAuthGuard)
  @MessagePattern(AUTH_SUBJECTS.rotateApiKey)
  rotate(@Payload(new ZodPayloadPipe(ApiKeyRef)) request: ApiKeyRef, @CurrentPrincipal() principal: Principal, @Caller() caller: CallContext): Promise<CreatedApiKey> {
    return this.apiKeys.rotate(principal, request.id, caller.requestId);
  }

  /** Open: the key is the credential. Used by the edge's api-key strategy. */
  @MessagePattern(AUTH_SUBJECTS.exchangeApiKey)
  exchange(@Payload(new ZodPayloadPipe(ExchangeApiKeyRequest)) request: ExchangeApiKeyRequest, @Caller() caller: CallContext): Promise<ExchangedApiKey> {
    return this.apiKeys.exchange(request.key, caller.requestId);
  }
}
