// `X-API-Key: <key>`: the key is traded for a short access token (cached), which is then verified
// like a bearer token and forwarded on the bus in its place; the key itself never travels further.
import type { IncomingHttpHeaders } from 'node:http';
import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import passport from 'passport';
import { TokenVerifier } from '@gardien/authz';
import { ApiKeyExchange } from './api-key-exchange.service.js';
import type { EdgeCaller } from './edge-caller.js';

export const API_KEY_HEADER = 'X-API-Key';

export type VerifyApiKey = (key: string, done: (error: unknown, caller?: EdgeCaller | false) => void) => void;

/**
 * A passport strategy that reads the key from the `X-API-Key` header and from nowhere else (not
 * the query string, not the body, where keys end up in logs). Ours rather than
 * passport-headerapikey: that package loads the whole of lodash for two string helpers.
 */
export class HeaderApiKeyStrategy extends passport.Strategy {
  override name = 'api-key';

  constructor(private readonly verify: VerifyApiKey) {
    super();
  }

  override authenticate(request: { headers: IncomingHttpHeaders }): void {
    const key = request.headers[API_KEY_HEADER.toLowerCase()];
    if (typeof key !== 'string' || key === '') {
      this.fail();
      return;
    }
    this.verify(key, (error, caller) => {
      if (error) this.error(error);
      else if (caller) this.success(caller);
      else this.fail();
    });
  }
}

@Injectable()
export class ApiKeyStrategy extends PassportStrategy(HeaderApiKeyStrategy, 'api-key') {
  constructor(
    private readonly exchange: ApiKeyExchange,
    private readonly verifier: TokenVerifier,
  ) {
    super();
  }

  async validate(key: string): Promise<EdgeCaller> {
    const token = await this.exchange.accessTokenFor(key);
    return { principal: await this.verifier.verify(token), token, via: 'api-key' };
  }
}
