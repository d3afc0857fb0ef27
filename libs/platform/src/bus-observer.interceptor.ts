// Around every bus handler: a span child of the caller's traceparent, the latency histogram and
// error counter, and one log line for failures. Labels are subjects and codes, never payloads.
import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { NatsContext } from '@nestjs/microservices';
import { extractTraceContext, inSpan, tracingEnabled, type ServiceMetrics } from '@gardien/observability';
import { Observable, tap } from 'rxjs';
import { callContextOf } from './call-context.decorator.js';
import { errorEnvelopeOf } from './error-envelope.js';

@Injectable()
export class BusObserverInterceptor implements NestInterceptor {
  constructor(private readonly metrics: ServiceMetrics) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const subject = context.switchToRpc().getContext<NatsContext>().getSubject();
    const startedAt = process.hrtime.bigint();
    if (!tracingEnabled()) return this.measured(subject, startedAt, next);
    const caller = callContextOf(context);
    return new Observable((subscriber) => {
      let inner: { unsubscribe(): void } | undefined;
      inSpan(subject, extractTraceContext(caller.traceparent, caller.tracestate), (span) =>
        new Promise<void>((resolve) => {
          span.setAttribute('gardien.request_id', caller.requestId);
          inner = next.handle().subscribe({
            next: (value) => subscriber.next(value),
            error: (error: unknown) => {
              const { code } = errorEnvelopeOf(error);
              span.setAttribute('gardien.error_code', code);
              this.metrics.observe(subject, startedAt, code);
              subscriber.error(error);
              resolve();
            },
            complete: () => {
              this.metrics.observe(subject, startedAt);
              subscriber.complete();
              resolve();
            },
          });
        }),
      ).catch((error: unknown) => subscriber.error(error));
      return () => inner?.unsubscribe();
    });
  }

  /** Without tracing: only the latency histogram and error counter. */
  private measured(subject: string, startedAt: bigint, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      tap({
        complete: () => this.metrics.observe(subject, startedAt),
        error: (error: unknown) => this.metrics.observe(subject, startedAt, errorEnvelopeOf(error).code),
      }),
    );
  }
}
