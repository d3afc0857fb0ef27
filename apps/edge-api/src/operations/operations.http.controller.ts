// The REST surface: one route per row of the operation table, added to this controller when the
// module loads. The OpenAPI document describes the same rows (openapi/openapi-document.ts).
import { Controller, Header, HttpCode, Req, RequestMapping, RequestMethod, Res, UseGuards, applyDecorators } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EdgeAuthGuard } from '../authentication/edge-auth.guard.js';
import { API_PREFIX, routePathOf, type Operation } from './operation.js';
import { OperationInvoker } from './operation-invoker.service.js';

@Controller(API_PREFIX.slice(1))
export class OperationsHttpController {
  constructor(readonly invoker: OperationInvoker) {}
}

type RouteHandler = (this: OperationsHttpController, request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** Adds one route per operation to the controller. */
export function defineOperationRoutes(operations: readonly Operation[]): void {
  const prototype = OperationsHttpController.prototype as unknown as Record<string, RouteHandler>;
  for (const operation of operations) {
    const key = operation.operationId;
    // Routes are class metadata: a second application in the same process (tests) finds them there.
    if (key in prototype) continue;
    const handler: RouteHandler = async function (this: OperationsHttpController, request: FastifyRequest, reply: FastifyReply) {
      return this.invoker.invokeRest(operation, request, reply);
    };
    Object.defineProperty(handler, 'name', { value: key });
    Object.defineProperty(prototype, key, { value: handler, writable: true, configurable: true });
    const descriptor = Object.getOwnPropertyDescriptor(prototype, key)!;
    Req()(prototype, key, 0);
    // Passthrough: Nest still sends what the handler returns (JSON, a file's bytes); a stream writes itself.
    Res({ passthrough: true })(prototype, key, 1);
    applyDecorators(
      RequestMapping({ path: routePathOf(operation), method: RequestMethod[operation.method] }),
      HttpCode(operation.status),
      // Identity answers (tokens above all) must never be kept by a cache (RFC 6749 §5.1).
      Header('cache-control', 'no-store'),
      ...(operation.auth === 'authenticated' ? [UseGuards(EdgeAuthGuard)] : []),
    )(prototype, key, descriptor);
  }
}
