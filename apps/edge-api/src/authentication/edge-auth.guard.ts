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
  /** A request with both credentials is refused before either is tried: which one acts must never be a guess. */
  override canActivate(context: ExecutionContext): boolean | Promise<boolean> | Observable<boolean> {
    const { headers } = context.switchToHttp().getRequest<FastifyRequest>();
    if (headers.authorization !== undefined && headers[API_KEY_HEADER.toLowerCase()] !== undefined) throw edgeError(EdgeReason.CredentialsAmbiguous);
    return super.canActivate(context);
  }

  override handleRequest<TUser = EdgeCaller>(error: unknown, caller: TUser | false): TUser {
    // A strategy's own error (key set unreachable: UNAVAILABLE) keeps its code; anything else is a 401.
    if (error instanceof GardienError) throw error;
    if (error || !caller) throw edgeError(EdgeReason.CredentialsRequired);
    return caller;
  }
}
