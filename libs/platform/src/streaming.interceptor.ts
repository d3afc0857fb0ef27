// Around the handler of a streaming operation: its replies flow until it completes, until its
// caller cancels (StreamRegistry), which unsubscribes from the handler's Observable and so stops
// its work, or until it has run as long as its operation allows (maxStreamMs). A second stream
// under a running stream id is refused. Bound by @Handles to cancellable operations only: every
// streaming one, and those answered once that say so (their handler's Observable, unsubscribed,
// stops the work the same way; their deadline, not maxStreamMs, bounds them).
import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { NatsContext } from '@nestjs/microservices';
import { HEADER_STREAM_ID, type Principal } from '@gardien/contracts';
import { NEVER, Observable, Subject, finalize, takeUntil, throwError, timer, mergeMap } from 'rxjs';
import { principalOf } from './bus-auth.guard.js';
import { operationOfHandler } from './operation-metadata.js';
import { PlatformReason, platformError } from './platform.errors.js';
import { StreamRegistry } from './stream-registry.js';

const STREAM_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

@Injectable()
export class StreamingInterceptor implements NestInterceptor {
  constructor(private readonly streams: StreamRegistry) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const maxStreamMs = operationOfHandler(context.getHandler())?.maxStreamMs;
    const tooLong = maxStreamMs === undefined ? NEVER : timer(maxStreamMs).pipe(mergeMap(() => throwError(() => platformError(PlatformReason.StreamTooLong))));
    const nats = context.switchToRpc().getContext<NatsContext>();
    const streamId = nats.getHeaders()?.get(HEADER_STREAM_ID);
    // Without a stream id (a caller that is not BusClient's, or a call without a signal) nobody can cancel it; the cap still holds.
    if (!streamId || !STREAM_ID.test(streamId)) return next.handle().pipe(takeUntilError(tooLong));
    const principal: Principal | undefined = principalOf(nats);
    const cancelled = new Subject<void>();
    const tracked = this.streams.track(streamId, principal, () => cancelled.next());
    if (!tracked) throw platformError(PlatformReason.StreamIdInUse);
    return next.handle().pipe(
      takeUntil(cancelled),
      takeUntilError(tooLong),
      finalize(() => tracked.release()),
    );
  }
}

/** Mirrors the source until `failure` errors, then errors with it (unsubscribing from the source). */
function takeUntilError<T>(failure: Observable<never>): (source: Observable<T>) => Observable<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      const stop = failure.subscribe({ error: (error: unknown) => subscriber.error(error) });
      const inner = source.subscribe(subscriber);
      return () => {
        stop.unsubscribe();
        inner.unsubscribe();
      };
    });
}
