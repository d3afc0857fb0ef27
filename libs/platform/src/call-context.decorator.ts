// Reads the caller's context (token, trace, request id, deadline) from the headers of a NATS message,
// once per message: the guard, the handler's parameters and the caller object all see the same one
// (one request id when the caller gave none, one deadline).
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { NatsContext } from '@nestjs/microservices';
import {
  HEADER_AUTHORIZATION,
  HEADER_REQUEST_ID,
  HEADER_TRACEPARENT,
  HEADER_TRACESTATE,
  HEADER_TIMEOUT,
  isValidRequestId,
  isValidTraceparent,
  callScopeOf,
  timeoutBudgetOf,
  type CallContext,
  type CallScope,
} from '@gardien/contracts';
import { randomUUID } from 'node:crypto';

interface HeaderReader {
  get(key: string): string;
}

export function callContextFromHeaders(headers: HeaderReader | undefined): CallContext {
  const read = (key: string): string | undefined => {
    const value = headers?.get(key);
    return value ? value : undefined;
  };
  const requestId = read(HEADER_REQUEST_ID);
  const traceparent = read(HEADER_TRACEPARENT);
  const authorization = read(HEADER_AUTHORIZATION);
  const tracestate = read(HEADER_TRACESTATE);
  const budgetMs = timeoutBudgetOf(read(HEADER_TIMEOUT));
  return {
    requestId: isValidRequestId(requestId) ? requestId : randomUUID(),
    ...(isValidTraceparent(traceparent) ? { traceparent } : {}),
    ...(tracestate ? { tracestate } : {}),
    ...(authorization?.startsWith('Bearer ') ? { token: authorization.slice('Bearer '.length) } : {}),
    ...(budgetMs !== undefined ? { deadline: Date.now() + budgetMs } : {}),
  };
}

const CALL_CONTEXT = Symbol('gardien.call-context');

type WithCallContext = NatsContext & { [CALL_CONTEXT]?: CallContext };

export function callContextOf(context: ExecutionContext): CallContext {
  const nats = context.switchToRpc().getContext<WithCallContext>();
  nats[CALL_CONTEXT] ??= callContextFromHeaders(nats.getHeaders() as HeaderReader | undefined);
  return nats[CALL_CONTEXT];
}

/** Handler parameter: the CallContext of the message, token included (for the rare handler that re-issues it). */
export const CurrentCallContext = createParamDecorator((_: unknown, context: ExecutionContext): CallContext => callContextOf(context));

/** Handler parameter of an open operation (no principal yet): the request the message belongs to. */
export const CurrentCallScope = createParamDecorator((_: unknown, context: ExecutionContext): CallScope => callScopeOf(callContextOf(context)));
