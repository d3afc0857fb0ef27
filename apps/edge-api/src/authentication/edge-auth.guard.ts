// The guard of authenticated operations: a bearer access token or an API key, tried in that order
// by passport. REST routes use it as a guard; GraphQL runs it on the same HTTP request when a field needs it.
import { Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { GardienError } from '@gardien/contracts';
import { EdgeReason, edgeError } from '../edge.errors.js';
import type { EdgeCaller } from './edge-caller.js';

export const EDGE_STRATEGIES = ['bearer', 'api-key'];

@Injectable()
export class EdgeAuthGuard extends AuthGuard(EDGE_STRATEGIES) {
  override handleRequest<TUser = EdgeCaller>(error: unknown, caller: TUser | false): TUser {
    // A strategy's own error (key set unreachable: UNAVAILABLE) keeps its code; anything else is a 401.
    if (error instanceof GardienError) throw error;
    if (error || !caller) throw edgeError(EdgeReason.CredentialsRequired);
    return caller;
  }
}
