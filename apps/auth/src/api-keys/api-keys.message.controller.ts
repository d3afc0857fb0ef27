import { Controller } from '@nestjs/common';
import {
  AUTH_OPERATIONS,
  type ApiKeyList,
  type ApiKeyRef,
  type CallContext,
  type CreateApiKeyRequest,
  type CreatedApiKey,
  type Empty,
  type ExchangeApiKeyRequest,
  type ExchangedApiKey,
  type Principal,
} from '@gardien/contracts';
import { Caller, CurrentPrincipal, Handles, RequestPayload } from '@gardien/platform';
import { ApiKeysService } from './api-keys.service.js';

@Controller()
export class ApiKeysMessageController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Handles(AUTH_OPERATIONS.createApiKey)
  create(@RequestPayload() request: CreateApiKeyRequest, @CurrentPrincipal() principal: Principal, @Caller() caller: CallContext): Promise<CreatedApiKey> {
    return this.apiKeys.create(principal, request, caller);
  }

  @Handles(AUTH_OPERATIONS.listApiKeys)
  async list(@CurrentPrincipal() principal: Principal): Promise<ApiKeyList> {
    return { api_keys: await this.apiKeys.list(principal) };
  }

  @Handles(AUTH_OPERATIONS.revokeApiKey)
  async revoke(@RequestPayload() request: ApiKeyRef, @CurrentPrincipal() principal: Principal, @Caller() caller: CallContext): Promise<Empty> {
    await this.apiKeys.revoke(principal, request.id, caller.requestId);
    return {};
  }

  @Handles(AUTH_OPERATIONS.rotateApiKey)
  rotate(@RequestPayload() request: ApiKeyRef, @CurrentPrincipal() principal: Principal, @Caller() caller: CallContext): Promise<CreatedApiKey> {
    return this.apiKeys.rotate(principal, request.id, caller.requestId);
  }

  /** Open: the key is the credential. Used by the edge's api-key strategy. */
  @Handles(AUTH_OPERATIONS.exchangeApiKey)
  exchange(@RequestPayload() request: ExchangeApiKeyRequest, @Caller() caller: CallContext): Promise<ExchangedApiKey> {
    return this.apiKeys.exchange(request.key, caller.requestId);
  }
}
