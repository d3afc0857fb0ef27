// `Authorization: Bearer <access token>`, verified here with the auth service's key set (cached).
import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import { TokenVerifier } from '@gardien/authz';
import type { EdgeCaller } from './edge-caller.js';

type StrategyRequest = Parameters<Strategy<never>['authenticate']>[0];

@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy, 'bearer') {
  constructor(private readonly verifier: TokenVerifier) {
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
    return { principal: await this.verifier.verify(token), token, via: 'bearer' };
  }
}
