// The context of a bus call the edge makes for a client: its request id and trace, and the client's
// token exchanged for the audience of the service called (cached per token and service), so that
// the token a service receives is good for that service alone.
import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DelegatedTokens } from '@gardien/authz';
import type { BusService, CallContext } from '@gardien/contracts';
import { operationCallContext } from '../http/request-context.js';
import type { EdgeCaller } from './edge-caller.js';

@Injectable()
export class CalleeContexts {
  constructor(private readonly delegated: DelegatedTokens) {}

  async of(request: FastifyRequest, caller: EdgeCaller | undefined, service: BusService): Promise<CallContext> {
    const context = operationCallContext(request);
    if (!caller) return context;
    return { ...context, token: await this.delegated.forAudience(caller.token, service, context) };
  }
}
