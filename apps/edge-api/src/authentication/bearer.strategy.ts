// `Authorization: Bearer <access token>`, verified here with the auth service's key set (cached).
// A tenant API key given as the bearer token (what OpenAI's SDKs send) is traded for an access
// token as if it had come in X-API-Key: the caller is then an API key, whichever header carried it.
import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import { TokenVerifier } from '@gardien/authz';
import { ApiKeyExchange, looksLikeApiKey } from './api-key-exchange.service.js';
import type { EdgeCaller } from './edge-caller.js';

type StrategyRequest = Parameters<Strategy<never>['authenticate']>[0];

@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy, 'bearer') {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly apiKeys: ApiKeyExchange,
  ) {
    super({ realm: 'gardien' });
  }

  /**
   * Reads the Authorization header only: the strategy would also take `access_token` from the
   * body or the query string, where tokens end up in logs, caches and browser history (RFC 6750 §5.3).
   */
  override authenticate(request: StrategyRequest, options?: object): void {
    super.authenticate({ headers: { authorization: request.headers.authorization } } as StrategyRequest, options);
  }

  async validate(token: string): Promise<EdgeCaller> {
    if (looksLikeApiKey(token)) {
      const exchanged = await this.apiKeys.accessTokenFor(token);
      return { principal: await this.verifier.verify(exchanged), token: exchanged, via: 'api-key' };
    }
    return { principal: await this.verifier.verify(token), token, via: 'bearer' };
  }
}
