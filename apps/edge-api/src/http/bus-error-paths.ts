// Services name the places of their validation errors in their bus payload (`payload.tenant_id`);
// an HTTP client knows only its request. The edge speaks of `path.`, `query.` and `body.` on REST and of
// `args.` on GraphQL, as its own validation does, and drops any other path rather than pass on
// names from inside the platform.
import { GardienError, type ErrorDetail } from '@gardien/contracts';
import type { Operation } from '../operations/operation.js';

export type Surface = 'rest' | 'graphql';

const BUS_ROOT = 'payload';

function inRequestTerms(path: string, operation: Operation, surface: Surface): string | undefined {
  const [root, field, ...rest] = path.split('.');
  if (root !== BUS_ROOT) return undefined;
  if (field === undefined) return surface === 'rest' ? 'body' : 'args';
  // What the edge added (the client's address) is no part of the client's request.
  if ((operation.adds as readonly string[]).includes(field)) return undefined;
  if (surface === 'graphql') return ['args', field, ...rest].join('.');
  const param = operation.pathParams.find((candidate) => candidate.field === field);
  if (param) return ['path', param.name, ...rest].join('.');
  return [operation.queryFields.includes(field) ? 'query' : 'body', field, ...rest].join('.');
}

/** `error` with the paths of its details in the words of this surface's request. */
export function withRequestPaths(error: unknown, operation: Operation, surface: Surface): unknown {
  if (!(error instanceof GardienError) || !error.details) return error;
  const details = error.details.map((detail): ErrorDetail => {
    const path = detail.path === undefined ? undefined : inRequestTerms(detail.path, operation, surface);
    return path === undefined ? { reason: detail.reason } : { path, reason: detail.reason };
  });
  return new GardienError(error.code, error.message, details, {
    ...(error.reason !== undefined ? { reason: error.reason } : {}),
    ...(error.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
  });
}
