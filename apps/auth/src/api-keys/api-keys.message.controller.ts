import { Controller } from '@nestjs/common';
import {
  AUTH_OPERATIONS,
  type ApiKeyList,
  type ApiKeyRef,
  type CallScope,
  type Caller,
  type CreateApiKeyRequest,
  type CreatedApiKey,
  type Empty,
  type ExchangeApiKeyRequest,
  type ExchangedApiKey,
} from '@gardien/contracts';
import { CurrentCallScope, CurrentCaller, Handles, RequestPayload } from '@gardien/platform';
import { ApiKeysService } from './api-keys.service.js';

@Controller()
export class ApiKeysMessageController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Handles(AUTH_OPERATIONS.createApiKey)
  create(@RequestPayload() request: CreateApiKeyRequest, @CurrentCaller() caller: Caller): Promise<CreatedApiKey> {
    return this.apiKeys.create(caller, request);
  }

  @Handles(AUTH_OPERATIONS.listApiKeys)
  async list(@CurrentCaller() caller: Caller): Promise<ApiKeyList> {
    return { api_keys: await this.apiKeys.list(caller) };
  }

  @Handles(AUTH_OPERATIONS.revokeApiKey)
  async revoke(@RequestPayload() request: ApiKeyRef, @CurrentCaller() caller: Caller): Promise<Empty> {
    await this.apiKeys.revoke(caller, request.id);
    return {};
  }

  @Handles(AUTH_OPERATIONS.rotateApiKey)
  rotate(@RequestPayload() request: ApiKeyRef, @CurrentCaller() caller: Caller): Promise<CreatedApiKey> {
    return this.apiKeys.rotate(caller, request.id);
  }

  /** Open: the key is the credential. Used by the edge's api-key strategy. */
  @Handles(AUTH_OPERATIONS.exchangeApiKey)
  exchange(@RequestPayload() request: ExchangeApiKeyRequest, @CurrentCallScope() scope: CallScope): Promise<ExchangedApiKey> {
    return this.apiKeys.exchange(request.key, scope);
  }
}
