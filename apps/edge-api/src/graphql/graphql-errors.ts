// GraphQL errors leave with a code in `extensions.code` and a message written by us. graphql-js's
// own messages are not passed on: they quote parts of the request (field names, literal values),
// which may be personal data. Locations and paths stay, so a client can still find its mistake.
import { GraphQLError } from 'graphql';
import { ErrorCode, GardienError } from '@gardien/contracts';
import { mapHttpError, titleOf } from '../http/http-error.mapper.js';

export const INVALID_GRAPHQL_REQUEST = 'The GraphQL request is not valid';

/** A field's failure that is ours (a bug), not the caller's: logged, and answered as INTERNAL. */
export function isInternalFailure(error: Readonly<GraphQLError | Error>): boolean {
  const original = error instanceof GraphQLError ? error.originalError : undefined;
  return original !== undefined && !(original instanceof GraphQLError) && !(original instanceof GardienError);
}

export function formatGraphqlError(error: Readonly<GraphQLError | Error>): GraphQLError {
  const located =
    error instanceof GraphQLError ? { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path } : {};
  const original = error instanceof GraphQLError ? error.originalError : undefined;
  if (original instanceof GardienError) {
    const mapped = mapHttpError(original);
    return new GraphQLError(mapped.title, { ...located, extensions: { code: mapped.code, ...(mapped.reason ? { reason: mapped.reason } : {}), ...(mapped.errors ? { errors: mapped.errors } : {}) } });
  }
  if (isInternalFailure(error)) {
    return new GraphQLError(titleOf(ErrorCode.Internal), { ...located, extensions: { code: ErrorCode.Internal } });
  }
  const reason = error instanceof GraphQLError ? error.extensions.reason : undefined;
  return new GraphQLError(INVALID_GRAPHQL_REQUEST, {
    ...located,
    extensions: { code: ErrorCode.ValidationFailed, ...(typeof reason === 'string' ? { reason } : {}) },
  });
}
