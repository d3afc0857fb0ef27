// Binds a bus handler to its operation's definition: the subject it answers, the token check when
// the operation needs one, and the validation of every payload with the operation's request
// schema (before the handler runs, whether or not it reads the payload: unknown fields are refused
// everywhere). A handler cannot answer a subject, or read a payload, other than as defined.
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

const BUS_OPERATION = Symbol.for('gardien.bus-operation');
const RAW_HANDLER = Symbol.for('gardien.bus-operation.raw');
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
    Reflect.defineMetadata(BUS_OPERATION, operation, descriptor.value as Handler);
    MessagePattern(operation.subject)(target, key, descriptor);
    if (operation.authenticated) UseGuards(BusAuthGuard)(target, key, descriptor);
    UseInterceptors(RequestValidationInterceptor, ...(operation.streaming ? [StreamingInterceptor] : []))(target, key, descriptor);
  };
}

/**
 * Marks a provider that answers `operation` on a raw NATS subscription rather than through Nest
 * (the bootstrap, which must see the reply subject). It validates payloads itself, with the definition.
 */
export function HandlesRaw(operation: BusOperation): ClassDecorator {
  return (target) => {
    const raw: BusOperation[] = Reflect.getMetadata(RAW_HANDLER, target) ?? [];
    Reflect.defineMetadata(RAW_HANDLER, [...raw, operation], target);
  };
}

/** The operation a handler method answers, if it was bound with @Handles. */
export function operationOfHandler(handler: unknown): BusOperation | undefined {
  return typeof handler === 'function' ? (Reflect.getMetadata(BUS_OPERATION, handler) as BusOperation | undefined) : undefined;
}

/** The operations a provider answers on raw subscriptions (@HandlesRaw). */
export function rawOperationsOf(provider: unknown): BusOperation[] {
  return typeof provider === 'function' ? ((Reflect.getMetadata(RAW_HANDLER, provider) as BusOperation[] | undefined) ?? []) : [];
}

/** Handler parameter: the message's payload as validated with the request schema of the handler's operation. */
export const RequestPayload = createParamDecorator((_: unknown, context: ExecutionContext): unknown => {
  const validated = (context.switchToRpc().getContext<object>() as WithPayload)[PAYLOAD];
  if (!validated) throw new Error('@RequestPayload() is only for handlers bound with @Handles()');
  return validated.value;
});
