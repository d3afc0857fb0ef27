// Where @Handles and @HandlesRaw record which bus operation a handler answers, and how the
// platform reads it back (the validation and streaming interceptors, the coverage check).
import type { BusOperation } from '@gardien/contracts';

const BUS_OPERATION = Symbol.for('gardien.bus-operation');
const RAW_HANDLER = Symbol.for('gardien.bus-operation.raw');

export function bindOperation(handler: object, operation: BusOperation): void {
  Reflect.defineMetadata(BUS_OPERATION, operation, handler);
}

export function bindRawOperation(provider: object, operation: BusOperation): void {
  const raw: BusOperation[] = Reflect.getMetadata(RAW_HANDLER, provider) ?? [];
  Reflect.defineMetadata(RAW_HANDLER, [...raw, operation], provider);
}

/** The operation a handler method answers, if it was bound with @Handles. */
export function operationOfHandler(handler: unknown): BusOperation | undefined {
  return typeof handler === 'function' ? (Reflect.getMetadata(BUS_OPERATION, handler) as BusOperation | undefined) : undefined;
}

/** The operations a provider answers on raw subscriptions (@HandlesRaw). */
export function rawOperationsOf(provider: unknown): BusOperation[] {
  return typeof provider === 'function' ? ((Reflect.getMetadata(RAW_HANDLER, provider) as BusOperation[] | undefined) ?? []) : [];
}
