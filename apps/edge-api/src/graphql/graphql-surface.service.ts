// The GraphQL surface: the schema built from the operation table, one root resolver per
// operation (the same OperationInvoker as REST), and graphql-http's handler around them.
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError, buildSchema, type GraphQLSchema } from 'graphql';
import { createHandler, type Handler } from 'graphql-http';
import { safeError, type Logger } from '@gardien/observability';
import { requestState } from '../http/request-context.js';
import type { Operation } from '../operations/operation.js';
import { OperationInvoker } from '../operations/operation-invoker.service.js';
import { OPERATION_TABLE } from '../operations/operations.module.js';
import { EDGE_LOGGER } from '../tokens.js';
import { formatGraphqlError, isInternalFailure, maxRootFields } from './graphql-errors.js';
import { buildGraphqlSdl } from './graphql-sdl.js';

export const MAX_ROOT_FIELDS = 10;

export type GraphqlContext = { request: FastifyRequest; reply: FastifyReply };

type Resolver = (args: Record<string, unknown>, context: GraphqlContext) => Promise<unknown>;

@Injectable()
export class GraphqlSurface {
  readonly schema: GraphQLSchema;
  readonly handler: Handler<FastifyRequest, GraphqlContext>;

  constructor(
    @Inject(OPERATION_TABLE) operations: readonly Operation[],
    invoker: OperationInvoker,
    @Inject(EDGE_LOGGER) logger: Logger,
  ) {
    this.schema = buildSchema(buildGraphqlSdl(operations));
    const rootValue: Record<string, Resolver> = Object.fromEntries(
      operations.map((operation) => [
        operation.graphql.field,
        (args: Record<string, unknown>, context: GraphqlContext) => invoker.invokeGraphql(operation, args, context.request, context.reply),
      ]),
    );
    this.handler = createHandler<FastifyRequest, GraphqlContext, GraphqlContext>({
      schema: this.schema,
      rootValue,
      context: (request) => request.context,
      validationRules: [maxRootFields(MAX_ROOT_FIELDS)],
      onOperation: (request, _args, result) => {
        for (const error of result.errors ?? []) {
          if (error instanceof GraphQLError && isInternalFailure(error)) {
            logger.error({ requestId: requestState(request.raw).requestId, err: safeError(error.originalError) }, 'graphql field failed');
          }
        }
      },
      formatError: formatGraphqlError,
    });
  }
}
