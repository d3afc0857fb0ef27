// Reads the caller's context (token, trace, request id, deadline) from the headers of a NATS message.
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
  timeoutBudgetOf,
  type CallContext,
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

export function callContextOf(context: ExecutionContext): CallContext {
  const nats = context.switchToRpc().getContext<NatsContext>();
  return callContextFromHeaders(nats.getHeaders() as HeaderReader | undefined);
}

/** Handler parameter: the CallContext of the message being handled. */
export const Caller = createParamDecorator((_: unknown, context: ExecutionContext) => callContextOf(context));
