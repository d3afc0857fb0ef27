// Binds a bus handler to its operation's definition: the subject it answers, the token check when
// the operation needs one, and the validation of every payload with the operation's request
// schema (before the handler runs, whether or not it reads the payload: unknown fields are refused
// everywhere). A handler cannot answer a subject, or read a payload, other than as defined.
import { randomUUID } from 'node:crypto';
import {
  Injectable,
  UseGuards,
  UseInterceptors,
  createParamDecorator,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { parsePayload, type BusOperation } from '@gardien/contracts';
import type { Observable } from 'rxjs';
import { BusAuthGuard } from './bus-auth.guard.js';
import { StreamingInterceptor } from './streaming.interceptor.js';
import { bindOperation, bindRawOperation, operationOfHandler } from './operation-metadata.js';

const PAYLOAD = Symbol('gardien.payload');

type Handler = (...args: never[]) => unknown;
type WithPayload = { [PAYLOAD]?: { value: unknown } };

/** Validates the payload of a bound handler's message with its operation's request schema. */
@Injectable()
export class RequestValidationInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const operation = operationOfHandler(context.getHandler());
    if (!operation) throw new Error('RequestValidationInterceptor is only for handlers bound with @Handles()');
    const value = parsePayload(operation.request, context.switchToRpc().getData());
    (context.switchToRpc().getContext<object>() as WithPayload)[PAYLOAD] = { value };
    return next.handle();
  }
}

/** Marks a method as the handler of `operation`. */
export function Handles(operation: BusOperation): MethodDecorator {
  return (target, key, descriptor) => {
    bindOperation(descriptor.value as Handler, operation);
    // An operation for every replica subscribes in a queue group of this handler's own (one per
    // process: the class is decorated once), so that each replica receives it; the others share the service's.
    MessagePattern(operation.subject, ...(operation.everyReplica ? [{ queue: `${operation.subject}.${randomUUID()}` }] : []))(target, key, descriptor);
    if (operation.authenticated) UseGuards(BusAuthGuard)(target, key, descriptor);
    UseInterceptors(RequestValidationInterceptor, ...(operation.cancellable ? [StreamingInterceptor] : []))(target, key, descriptor);
  };
}

/**
 * Marks a provider that answers `operation` on a raw NATS subscription rather than through Nest
 * (the bootstrap, which must see the reply subject). It validates payloads itself, with the definition.
 */
export function HandlesRaw(operation: BusOperation): ClassDecorator {
  return (target) => {
    bindRawOperation(target, operation);
  };
}

/** Handler parameter: the message's payload as validated with the request schema of the handler's operation. */
export const RequestPayload = createParamDecorator((_: unknown, context: ExecutionContext): unknown => {
  const validated = (context.switchToRpc().getContext<object>() as WithPayload)[PAYLOAD];
  if (!validated) throw new Error('@RequestPayload() is only for handlers bound with @Handles()');
  return validated.value;
});
