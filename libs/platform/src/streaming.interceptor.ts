// Around the handler of a streaming operation: its replies flow until it completes, until its
// caller cancels (StreamRegistry), which unsubscribes from the handler's Observable and so stops
// its work, or until it has run as long as its operation allows (maxStreamMs). A second stream
// under a running stream id is refused; one whose caller cancelled it before it got here is not
// started. Bound by @Handles to cancellable operations only: every streaming one, and those
// answered once that say so (their handler's Observable, unsubscribed, stops the work the same
// way; their deadline, not maxStreamMs, bounds them). A handler it was given without its operation
// (by hand, not by @Handles) is refused: its cap is unknown, and a stream without one runs forever.
import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { NatsContext } from '@nestjs/microservices';
import { ErrorCode, GardienError, HEADER_STREAM_ID, type BusOperation } from '@gardien/contracts';
import { EMPTY, NEVER, Observable, Subject, finalize, takeUntil, throwError, timer, mergeMap } from 'rxjs';
import { principalOf } from './bus-auth.guard.js';
import { callContextOf } from './call-context.decorator.js';
import { operationOfHandler } from './operation-metadata.js';
import { PlatformReason, platformError } from './platform.errors.js';
import { StreamRegistry } from './stream-registry.js';

const STREAM_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

@Injectable()
export class StreamingInterceptor implements NestInterceptor {
  constructor(private readonly streams: StreamRegistry) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const tooLong = capOf(operationOfHandler(context.getHandler()));
    const nats = context.switchToRpc().getContext<NatsContext>();
    const streamId = nats.getHeaders()?.get(HEADER_STREAM_ID);
    // Without a stream id (a caller that is not BusClient's, or a call without a signal) nobody can cancel it; the cap still holds.
    if (!streamId || !STREAM_ID.test(streamId)) return next.handle().pipe(takeUntilError(tooLong));
    const cancelled = new Subject<void>();
    const tracking = this.streams.track(streamId, { principal: principalOf(nats), token: callContextOf(context).token }, () => cancelled.next());
    switch (tracking.outcome) {
      case 'in_use':
        throw platformError(PlatformReason.StreamIdInUse);
      case 'cancelled':
        // Its caller has gone and said so: nobody reads a reply, and the work is not started.
        return EMPTY;
      case 'tracked':
        return next.handle().pipe(
          takeUntil(cancelled),
          takeUntilError(tooLong),
          finalize(() => tracking.release()),
        );
    }
  }
}

/**
 * What ends the stream of `operation` when it has run too long: its maxStreamMs for a streamed
 * reply, nothing for an answer given once (its deadline bounds it). No operation, or a streamed
 * one without a cap (a definition not made by busOperation), is a wiring bug: refused, INTERNAL,
 * which the bus exception filter logs with its code and this message.
 */
function capOf(operation: BusOperation | undefined): Observable<never> {
  if (!operation) throw new GardienError(ErrorCode.Internal, 'the stream interceptor was given a handler without its bus operation (use @Handles)');
  if (!operation.streaming) return NEVER;
  const { maxStreamMs } = operation;
  if (maxStreamMs === undefined) throw new GardienError(ErrorCode.Internal, `streamed operation ${operation.subject} has no maxStreamMs (define it with busOperation)`);
  return timer(maxStreamMs).pipe(mergeMap(() => throwError(() => platformError(PlatformReason.StreamTooLong))));
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
