// The GraphQL surface: the schema built from the operation table, one root resolver per
// operation (the same OperationInvoker as REST), and graphql-http's handler around them. Each
// document is admitted (bounded, introspection restricted) before it runs.
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError, buildSchema, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { createHandler, type Handler } from 'graphql-http';
import { GardienError } from '@gardien/contracts';
import { safeError, type Logger } from '@gardien/observability';
import { HttpAuthenticator } from '../authentication/http-authenticator.service.js';
import type { EdgeConfig } from '../config.js';
import { requestState } from '../http/request-context.js';
import { RETRY_AFTER_HEADER, retryAfterSecondsOf } from '../http/retry-after.js';
import type { Operation } from '../operations/operation.js';
import { OperationInvoker } from '../operations/operation-invoker.service.js';
import { OPERATION_TABLE } from '../operations/operations.module.js';
import { EDGE_CONFIG, EDGE_LOGGER } from '../tokens.js';
import { admitDocument } from './graphql-admission.js';
import { formatGraphqlError, isInternalFailure } from './graphql-errors.js';
import { buildGraphqlSdl } from './graphql-sdl.js';

export type GraphqlContext = { request: FastifyRequest; reply: FastifyReply };

type Resolver = (args: Record<string, unknown>, context: GraphqlContext) => Promise<unknown>;

/** The longest delay a field's error asks for (a rate-limited login, an unavailable service), if any. */
function retryAfterOf(result: ExecutionResult): number | undefined {
  const delays = (result.errors ?? []).flatMap((error) => {
    const original = error.originalError;
    const delay = original instanceof GardienError ? retryAfterSecondsOf(original.code, original.retryAfterSeconds) : undefined;
    return delay === undefined ? [] : [delay];
  });
  return delays.length > 0 ? Math.max(...delays) : undefined;
}

@Injectable()
export class GraphqlSurface {
  readonly schema: GraphQLSchema;
  readonly handler: Handler<FastifyRequest, GraphqlContext>;

  constructor(
    @Inject(OPERATION_TABLE) operations: readonly Operation[],
    invoker: OperationInvoker,
    authenticator: HttpAuthenticator,
    @Inject(EDGE_CONFIG) config: EdgeConfig,
    @Inject(EDGE_LOGGER) logger: Logger,
  ) {
    this.schema = buildSchema(buildGraphqlSdl(operations));
    const schema = this.schema;
    const rootValue: Record<string, Resolver> = Object.fromEntries(
      operations.flatMap((operation) => (operation.graphql ? [[operation.graphql.field, operation] as const] : [])).map(([field, operation]) => [
        field,
        (args: Record<string, unknown>, context: GraphqlContext) => invoker.invokeGraphql(operation, args, context.request, context.reply),
      ]),
    );
    // Introspection shows the whole API: to authenticated callers in development (tooling), to nobody in production.
    const mayIntrospect = async ({ request, reply }: GraphqlContext): Promise<boolean> => {
      if (config.GARDIEN_ENV === 'production') return false;
      return authenticator.authenticate(request, reply).then(
        () => true,
        () => false,
      );
    };
    this.handler = createHandler<FastifyRequest, GraphqlContext, GraphqlContext>({
      schema,
      onSubscribe: async (request, params) => {
        const admitted = await admitDocument(schema, params.query, () => mayIntrospect(request.context));
        if (!('kind' in admitted)) return admitted;
        return { schema, document: admitted, operationName: params.operationName, variableValues: params.variables, contextValue: request.context, rootValue };
      },
      onOperation: (request, _args, result) => {
        if (!('errors' in result)) return;
        for (const error of result.errors ?? []) {
          if (error instanceof GraphQLError && isInternalFailure(error)) {
            logger.error({ requestId: requestState(request.raw).requestId, err: safeError(error.originalError) }, 'graphql field failed');
          }
        }
        const retryAfter = retryAfterOf(result);
        if (retryAfter !== undefined) void request.context.reply.header(RETRY_AFTER_HEADER, retryAfter);
      },
      formatError: formatGraphqlError,
    });
  }
}
