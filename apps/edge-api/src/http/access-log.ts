// One log line and one latency observation per request: method, route template (never the raw
// URL, whose path or query may carry personal data), status, duration and ids.
import type { FastifyInstance } from 'fastify';
import { traceIdOf, type Logger, type ServiceMetrics } from '@gardien/observability';
import { REQUEST_ID_HEADER, initRequestState, requestState } from './request-context.js';

export function registerAccessLog(fastify: FastifyInstance, logger: Logger, metrics: ServiceMetrics): void {
  fastify.addHook('onRequest', async (request, reply) => {
    const state = initRequestState(request);
    void reply.header(REQUEST_ID_HEADER, state.requestId);
  });
  fastify.addHook('onResponse', async (request, reply) => {
    const state = requestState(request);
    const route = request.routeOptions.url ?? '(unmatched)';
    const handler = `${request.method} ${route}`;
    const errorCode = reply.statusCode >= 400 ? String(reply.statusCode) : undefined;
    metrics.observe(handler, state.startedAt, errorCode);
    if (state.span) {
      state.span.updateName(handler);
      state.span.setAttribute('http.route', route);
      state.span.setAttribute('http.response.status_code', reply.statusCode);
      state.span.setAttribute('gardien.request_id', state.requestId);
      state.span.end();
    }
    logger.info(
      {
        method: request.method,
        route,
        status: reply.statusCode,
        durationMs: Number(process.hrtime.bigint() - state.startedAt) / 1e6,
        requestId: state.requestId,
        traceId: traceIdOf(state.traceparent),
      },
      'request',
    );
  });
}
