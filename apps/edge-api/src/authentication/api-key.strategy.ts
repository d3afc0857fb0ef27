// `X-API-Key: <key>`: the key is traded for a short access token (cached), which is then verified
// like a bearer token and forwarded on the bus in its place; the key itself never travels further.
import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { HeaderAPIKeyStrategy } from 'passport-headerapikey';
import { TokenVerifier } from '@gardien/authz';
import { ApiKeyExchange } from './api-key-exchange.service.js';
import type { EdgeCaller } from './edge-caller.js';

export const API_KEY_HEADER = 'X-API-Key';

@Injectable()
export class ApiKeyStrategy extends PassportStrategy(HeaderAPIKeyStrategy, 'api-key') {
  constructor(
    private readonly exchange: ApiKeyExchange,
    private readonly verifier: TokenVerifier,
  ) {
    super({ header: API_KEY_HEADER, prefix: '' }, false);
  }

  async validate(key: string): Promise<EdgeCaller> {
    const token = await this.exchange.accessTokenFor(key);
    return { principal: await this.verifier.verify(token), token, via: 'api-key' };
  }
}
