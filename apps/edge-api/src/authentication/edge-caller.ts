// Who is calling, once a passport strategy has verified it: the principal the access token asserts,
// and that token itself, which is what the edge forwards on the bus (services verify it again).
import type { FastifyRequest } from 'fastify';
import type { Principal } from '@gardien/contracts';

export interface EdgeCaller {
  principal: Principal;
  /** The verified access token: the bearer token, or the one an API key was exchanged for. */
  token: string;
  via: 'bearer' | 'api-key';
}

/** Where passport leaves the authenticated caller (its default `user` property). */
export function callerOf(request: FastifyRequest): EdgeCaller | undefined {
  return (request as FastifyRequest & { user?: EdgeCaller }).user;
}
