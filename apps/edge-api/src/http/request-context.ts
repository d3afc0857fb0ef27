// Per-request context at the edge: the request id (the client's if it is a short opaque token,
// else a new uuid), the trace context for downstream calls, and the start time.
import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { isValidRequestId, isValidTraceparent, type CallContext } from '@gardien/contracts';
import type { Span } from '@opentelemetry/api';
import { childTraceparent, extractTraceContext, newTraceparent, startServerSpan, tracingEnabled } from '@gardien/observability';

export const REQUEST_ID_HEADER = 'x-request-id';

export interface EdgeRequestState {
  requestId: string;
  /** The traceparent downstream calls carry: the edge's server span, child of the client's. */
  traceparent: string;
  /** Present only when tracing is enabled. */
  span?: Span;
  startedAt: bigint;
}

const STATE = Symbol('gardien.edge.request');

type RequestWithState = FastifyRequest & { [STATE]?: EdgeRequestState };

export function initRequestState(request: FastifyRequest): EdgeRequestState {
  const headerId = request.headers[REQUEST_ID_HEADER];
  const incoming = request.headers.traceparent;
  const parent = isValidTraceparent(incoming) ? incoming : newTraceparent();
  const requestId = isValidRequestId(headerId) ? headerId : randomUUID();
  const startedAt = process.hrtime.bigint();
  // With tracing, downstream calls carry the server span's context; without, a child id of our own.
  const traced = tracingEnabled() ? startServerSpan(`HTTP ${request.method}`, extractTraceContext(parent)) : undefined;
  const state: EdgeRequestState = { requestId, traceparent: traced?.traceparent ?? childTraceparent(parent), startedAt };
  if (traced) state.span = traced.span;
  (request as RequestWithState)[STATE] = state;
  return state;
}

export function requestState(request: FastifyRequest): EdgeRequestState {
  return (request as RequestWithState)[STATE] ?? initRequestState(request);
}

/**
 * The context of a bus call made for a request: its id and trace, without a token (the token a call
 * carries is the client's, exchanged for the callee: authentication/callee-context.service.ts),
 * never a header taken as it came.
 */
export function operationCallContext(request: FastifyRequest): CallContext {
  const { requestId, traceparent } = requestState(request);
  return { requestId, traceparent };
}
