// Prometheus metrics of one process: handler latency and errors, plus the process metrics of
// prom-client. Labels are service, handler (the subject or route template) and codes: never values.
import { createServer, type Server } from 'node:http';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class ServiceMetrics {
  readonly registry = new Registry();
  readonly handlerDuration: Histogram<'handler' | 'outcome'>;
  readonly handlerErrors: Counter<'handler' | 'code'>;

  constructor(readonly service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    this.handlerDuration = new Histogram({
      name: 'gardien_handler_duration_seconds',
      help: 'Time spent handling a request, by handler and outcome',
      labelNames: ['handler', 'outcome'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    this.handlerErrors = new Counter({
      name: 'gardien_handler_errors_total',
      help: 'Requests that ended in an error, by handler and error code',
      labelNames: ['handler', 'code'],
      registers: [this.registry],
    });
  }

  /** Records one handled request. */
  observe(handler: string, startedAt: bigint, errorCode?: string): void {
    const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
    this.handlerDuration.observe({ handler, outcome: errorCode ? 'error' : 'ok' }, seconds);
    if (errorCode) this.handlerErrors.inc({ handler, code: errorCode });
  }
}

/** Serves GET /metrics on an internal address. Returns the bound port. */
export async function serveMetrics(metrics: ServiceMetrics, host: string, port: number): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    metrics.registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : port };
}
