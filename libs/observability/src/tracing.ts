// W3C trace context carried HTTP -> NATS -> service. Propagation always works; spans are
// recorded and exported only when an exporter is configured (off by default), and the SDK is
// loaded only then, so that an idle service does not pay for it.
import { SpanKind, context, propagation, trace, type Context, type Span } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { randomBytes } from 'node:crypto';

export type TraceExporter = 'none' | 'otlp' | 'console';

let shutdownTracing: (() => Promise<void>) | undefined;
let recording = false;

/** Whether spans are recorded and exported (an exporter is configured). */
export function tracingEnabled(): boolean {
  return recording;
}

propagation.setGlobalPropagator(new W3CTraceContextPropagator());

export async function startTracing(service: string, exporter: TraceExporter, otlpEndpoint?: string): Promise<void> {
  if (exporter === 'none') return;
  const [{ NodeTracerProvider }, { BatchSpanProcessor, ConsoleSpanExporter }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/resources'),
  ]);
  const spanExporter =
    exporter === 'otlp'
      ? new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter(otlpEndpoint ? { url: otlpEndpoint } : {})
      : new ConsoleSpanExporter();
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': `gardien-${service}` }),
    spanProcessors: [new BatchSpanProcessor(spanExporter)],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  recording = true;
  shutdownTracing = () => provider.shutdown();
}

export async function stopTracing(): Promise<void> {
  await shutdownTracing?.();
}

/** The context of an incoming message or request, from its traceparent header. */
export function extractTraceContext(traceparent: string | undefined, tracestate?: string): Context {
  const carrier: Record<string, string> = {};
  if (traceparent) carrier.traceparent = traceparent;
  if (tracestate) carrier.tracestate = tracestate;
  return propagation.extract(context.active(), carrier);
}

/** The traceparent to send downstream from within `ctx`. */
export function injectTraceparent(ctx: Context): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier.traceparent;
}

/** Runs `fn` in a span named after the handler, child of the incoming context. */
export async function inSpan<T>(name: string, parent: Context, fn: (span: Span, ctx: Context) => Promise<T>): Promise<T> {
  const tracer = trace.getTracer('gardien');
  return tracer.startActiveSpan(name, {}, parent, async (span) => {
    try {
      return await fn(span, context.active());
    } finally {
      span.end();
    }
  });
}

/** A new root traceparent, for a request that arrives without one. */
export function newTraceparent(): string {
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
}

/** The trace id of a traceparent, for log correlation. */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  return traceparent?.split('-')[1];
}

/** A server span for an incoming HTTP request; its context is what downstream calls carry. */
export function startServerSpan(name: string, parent: Context): { span: Span; traceparent: string | undefined } {
  const span = trace.getTracer('gardien').startSpan(name, { kind: SpanKind.SERVER }, parent);
  return { span, traceparent: injectTraceparent(trace.setSpan(parent, span)) };
}

/**
 * The traceparent of a new hop when no span is recorded: same trace, new span id, same flags.
 * Keeps propagation correct at no allocation cost beyond the string.
 */
export function childTraceparent(parent: string): string {
  return `${parent.slice(0, 36)}${randomBytes(8).toString('hex')}${parent.slice(52)}`;
}

/**
 * The trace context of the span active right now (a handler's), to carry on a call made from it;
 * undefined when no span is recorded (tracing off, or outside any handler).
 */
export function activeTraceContext(): { traceparent: string; tracestate?: string } | undefined {
  if (!recording || !trace.getSpan(context.active())) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  if (!carrier.traceparent) return undefined;
  return carrier.tracestate ? { traceparent: carrier.traceparent, tracestate: carrier.tracestate } : { traceparent: carrier.traceparent };
}
