// Authentication on demand, for surfaces where only some operations need it (GraphQL): the same
// guard and passport strategies as REST routes, run on the same HTTP request, at most once.
import { Injectable } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EdgeAuthGuard } from './edge-auth.guard.js';
import { callerOf, type EdgeCaller } from './edge-caller.js';

@Injectable()
export class HttpAuthenticator {
  private readonly attempts = new WeakMap<FastifyRequest, Promise<EdgeCaller>>();

  constructor(private readonly guard: EdgeAuthGuard) {}

  authenticate(request: FastifyRequest, reply: FastifyReply): Promise<EdgeCaller> {
    const earlier = this.attempts.get(request);
    if (earlier) return earlier;
    const attempt = this.run(request, reply);
    this.attempts.set(request, attempt);
    return attempt;
  }

  private async run(request: FastifyRequest, reply: FastifyReply): Promise<EdgeCaller> {
    await this.guard.canActivate(new ExecutionContextHost([request, reply]));
    return callerOf(request)!;
  }
}
