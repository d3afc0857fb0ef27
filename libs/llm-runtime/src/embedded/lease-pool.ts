// A fixed set of resources (the sequences of a model's context) lent one call at a time: calls
// beyond the set wait in order, up to a bounded queue, so that concurrent requests queue instead
// of each allocating a context and exhausting memory. A waiting call that is aborted leaves the
// queue; one that waits longer than its bound is refused; a call beyond the queue is refused at
// once. Every refusal is an LlmRuntimeError the gateway already knows.
import { LlmRuntimeError, LlmRuntimeErrorCode } from '../llm-runtime.errors.js';
import type { RuntimeOperation } from '../model-runtime.port.js';

interface Waiter<T> {
  resolve(resource: T): void;
  reject(error: Error): void;
}

export interface Lease<T> {
  readonly resource: T;
  release(): void;
}

export class LeasePool<T> {
  private readonly idle: T[];
  private readonly waiting: Waiter<T>[] = [];

  constructor(
    resources: readonly T[],
    private readonly maxWaiting: number,
  ) {
    this.idle = [...resources];
  }

  get waitingCount(): number {
    return this.waiting.length;
  }

  /** A resource, once one is free; refused after `waitMs`, at once when the queue is full, or when `signal` aborts. */
  acquire(operation: RuntimeOperation, waitMs: number, signal?: AbortSignal): Promise<Lease<T>> {
    if (signal?.aborted) return Promise.reject(cancelled(operation));
    const free = this.idle.pop();
    if (free !== undefined) return Promise.resolve(this.leaseOf(free));
    if (this.waiting.length >= this.maxWaiting) {
      return Promise.reject(new LlmRuntimeError(LlmRuntimeErrorCode.RuntimeUnavailable, 'the embedded runtime has as many calls waiting as it queues', { runtime: 'embedded', operation }));
    }
    return new Promise<Lease<T>>((resolve, reject) => {
      const leave = () => {
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const waiter: Waiter<T> = {
        resolve: (resource) => {
          leave();
          resolve(this.leaseOf(resource));
        },
        reject: (error) => {
          leave();
          reject(error);
        },
      };
      const onAbort = () => waiter.reject(cancelled(operation));
      const timer = setTimeout(
        () => waiter.reject(new LlmRuntimeError(LlmRuntimeErrorCode.RuntimeTimeout, 'no context of the embedded runtime came free in time', { runtime: 'embedded', operation, phase: 'first_byte' })),
        waitMs,
      );
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  private leaseOf(resource: T): Lease<T> {
    let released = false;
    return {
      resource,
      release: () => {
        if (released) return;
        released = true;
        const next = this.waiting[0];
        if (next) next.resolve(resource);
        else this.idle.push(resource);
      },
    };
  }
}

export function cancelled(operation: RuntimeOperation): LlmRuntimeError {
  return new LlmRuntimeError(LlmRuntimeErrorCode.Cancelled, 'the call was cancelled', { runtime: 'embedded', operation });
}
