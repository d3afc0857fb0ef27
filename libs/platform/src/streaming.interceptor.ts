// Around the handler of a streaming operation: its replies flow until it completes, or until its
// caller cancels (StreamRegistry), which unsubscribes from the handler's Observable and so stops
// its work. Bound by @Handles to streaming operations only.
import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { NatsContext } from '@nestjs/microservices';
import { HEADER_STREAM_ID, type Principal } from '@gardien/contracts';
import { Observable, Subject, finalize, takeUntil } from 'rxjs';
import { principalOf } from './bus-auth.guard.js';
import { StreamRegistry } from './stream-registry.js';

const STREAM_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

@Injectable()
export class StreamingInterceptor implements NestInterceptor {
  constructor(private readonly streams: StreamRegistry) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const nats = context.switchToRpc().getContext<NatsContext>();
    const streamId = nats.getHeaders()?.get(HEADER_STREAM_ID);
    if (!streamId || !STREAM_ID.test(streamId)) return next.handle();
    const principal: Principal | undefined = principalOf(nats);
    const cancelled = new Subject<void>();
    this.streams.track(streamId, principal, () => cancelled.next());
    return next.handle().pipe(
      takeUntil(cancelled),
      finalize(() => this.streams.forget(streamId)),
    );
  }
}
