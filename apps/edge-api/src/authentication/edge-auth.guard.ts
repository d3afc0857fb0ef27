// The guard of authenticated operations: a bearer access token or an API key, tried in that order
// by passport. REST routes use it as a guard; GraphQL runs it on the same HTTP request when a field needs it.
import { Injectable, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { AuthGuard } from '@nestjs/passport';
import { GardienError } from '@gardien/contracts';
import { EdgeReason, edgeError } from '../edge.errors.js';
import { API_KEY_HEADER } from './api-key.strategy.js';
import type { EdgeCaller } from './edge-caller.js';

export const EDGE_STRATEGIES = ['bearer', 'api-key'];

@Injectable()
export class EdgeAuthGuard extends AuthGuard(EDGE_STRATEGIES) {
  /**
   * A request with both credentials, or with one of them twice, is refused before any is tried:
   * which one acts must never be a guess (Node keeps the first Authorization header; a proxy in
   * front may act on the last).
   */
  override canActivate(context: ExecutionContext): boolean | Promise<boolean> | Observable<boolean> {
    const { headers, raw } = context.switchToHttp().getRequest<FastifyRequest>();
    if (headers.authorization !== undefined && headers[API_KEY_HEADER.toLowerCase()] !== undefined) throw edgeError(EdgeReason.CredentialsAmbiguous);
    if (credentialHeaderCount(raw.rawHeaders, 'authorization') > 1 || credentialHeaderCount(raw.rawHeaders, API_KEY_HEADER.toLowerCase()) > 1) {
      throw edgeError(EdgeReason.CredentialsAmbiguous);
    }
    return super.canActivate(context);
  }

  override handleRequest<TUser = EdgeCaller>(error: unknown, caller: TUser | false): TUser {
    // A strategy's own error (key set unreachable: UNAVAILABLE) keeps its code; anything else is a 401.
    if (error instanceof GardienError) throw error;
    if (error || !caller) throw edgeError(EdgeReason.CredentialsRequired);
    return caller;
  }
}

/** How many times a header is sent (rawHeaders: names and values, alternately, as received). */
function credentialHeaderCount(rawHeaders: readonly string[], name: string): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]!.toLowerCase() === name) count += 1;
  return count;
}
