// The REST surface: one route per row of the operation table, added to this controller when the
// module loads. Each route carries its OpenAPI description (operation id, isolation class, body
// and reply schemas by reference, security) so that the document is scanned from the real routes.
import { Controller, Header, HttpCode, Req, RequestMapping, RequestMethod, UseGuards, applyDecorators } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiDefaultResponse,
  ApiExtension,
  ApiOperation,
  ApiParam,
  ApiResponse,
  ApiSecurity,
  ApiTags,
  type SchemaObject,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { EdgeAuthGuard } from '../authentication/edge-auth.guard.js';
import { API_PREFIX, routePathOf, type Operation } from './operation.js';
import { OperationInvoker } from './operation-invoker.service.js';
import { COMPONENT_PREFIX, bodyNameOf, jsonSchemaOf, type OperationSchemas } from './operation-schemas.js';

export const PROBLEM_SCHEMA = 'Problem';
export const BEARER_SCHEME = 'bearer';
export const API_KEY_SCHEME = 'api-key';

@Controller(API_PREFIX.slice(1))
export class OperationsHttpController {
  constructor(readonly invoker: OperationInvoker) {}
}

type RouteHandler = (this: OperationsHttpController, request: FastifyRequest) => Promise<unknown>;

const problem = { 'application/problem+json': { schema: { $ref: `${COMPONENT_PREFIX}${PROBLEM_SCHEMA}` } } };

function documentation(operation: Operation, schemas: OperationSchemas): MethodDecorator[] {
  const replyName = schemas.replyNameOf(operation);
  const decorators: MethodDecorator[] = [
    ApiOperation({ operationId: operation.graphql.field, summary: operation.summary }),
    ApiTags(operation.path.split('/')[1]!),
    ApiExtension('x-gardien-operation', operation.name),
    ApiExtension('x-gardien-isolation', operation.isolation),
    // The same operation on the GraphQL surface, so that tests enumerating one find the other.
    ApiExtension('x-gardien-graphql', `${operation.graphql.type}.${operation.graphql.field}`),
    ...operation.pathParams.map(({ name }) => ApiParam({ name, required: true, schema: jsonSchemaOf(operation.params.shape[name]!, 'input') as SchemaObject })),
    replyName
      ? ApiResponse({ status: operation.status, description: 'Success', schema: { $ref: `${COMPONENT_PREFIX}${replyName}` } })
      : ApiResponse({ status: operation.status, description: 'Done' }),
    ApiResponse({ status: 400, description: 'The request is not valid', content: problem }),
    ApiResponse({ status: 429, description: 'Too many requests from this source', content: problem }),
    ApiDefaultResponse({ description: 'An error (RFC 9457 problem document)', content: problem }),
  ];
  if (operation.hasBody) {
    decorators.push(ApiBody({ required: true, schema: { $ref: `${COMPONENT_PREFIX}${bodyNameOf(operation)}` } }));
  }
  if (operation.auth === 'authenticated') {
    decorators.push(
      ApiBearerAuth(BEARER_SCHEME),
      ApiSecurity(API_KEY_SCHEME),
      ApiResponse({ status: 401, description: 'No valid access token or API key', content: problem }),
    );
  }
  return decorators;
}

/** Adds one route per operation to the controller; `schemas` describes bodies and replies for OpenAPI. */
export function defineOperationRoutes(operations: readonly Operation[], schemas: OperationSchemas): void {
  const prototype = OperationsHttpController.prototype as unknown as Record<string, RouteHandler>;
  for (const operation of operations) {
    const key = operation.graphql.field;
    // Routes are class metadata: a second application in the same process (tests) finds them there.
    if (key in prototype) continue;
    const handler: RouteHandler = async function (this: OperationsHttpController, request: FastifyRequest) {
      return this.invoker.invokeRest(operation, request);
    };
    Object.defineProperty(handler, 'name', { value: key });
    Object.defineProperty(prototype, key, { value: handler, writable: true, configurable: true });
    const descriptor = Object.getOwnPropertyDescriptor(prototype, key)!;
    Req()(prototype, key, 0);
    applyDecorators(
      RequestMapping({ path: routePathOf(operation), method: RequestMethod[operation.method] }),
      HttpCode(operation.status),
      // Identity answers (tokens above all) must never be kept by a cache (RFC 6749 §5.1).
      Header('cache-control', 'no-store'),
      ...(operation.auth === 'authenticated' ? [UseGuards(EdgeAuthGuard)] : []),
      ...documentation(operation, schemas),
    )(prototype, key, descriptor);
  }
}
