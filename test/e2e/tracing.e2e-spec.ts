// Trace context is carried HTTP -> NATS -> service: with an OTLP exporter configured, the edge's
// server span is a child of the client's traceparent, and the service's span a child of the edge's.
// The collector is an in-test OTLP/HTTP endpoint.
import { createServer, type Server } from 'node:http';
import { PlatformProcesses, PrivateNats, dropTestDatabases, freePort, testDatabasePrefix, waitFor } from '@gardien/testing';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
}

const prefix = testDatabasePrefix();
const spans: Array<OtlpSpan & { service: string }> = [];
let collector: Server;
let nats: PrivateNats;
let platform: PlatformProcesses;

beforeAll(async () => {
  const port = await freePort();
  collector = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const payload = JSON.parse(body) as {
        resourceSpans: Array<{
          resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
          scopeSpans: Array<{ spans: OtlpSpan[] }>;
        }>;
      };
      for (const resourceSpans of payload.resourceSpans) {
        const service = resourceSpans.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
        for (const scope of resourceSpans.scopeSpans) for (const span of scope.spans) spans.push({ ...span, service });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(port, '127.0.0.1', resolve));
  nats = await PrivateNats.start();
  platform = await PlatformProcesses.start({
    databasePrefix: prefix,
    natsUrl: nats.url,
    services: ['auth', 'edge-api'],
    env: { GARDIEN_OTEL_EXPORTER: 'otlp', GARDIEN_OTEL_ENDPOINT: `http://127.0.0.1:${port}/v1/traces` },
  });
});

afterAll(async () => {
  await platform?.dispose();
  await nats?.dispose();
  collector?.close();
  await dropTestDatabases(prefix);
});

test('the service span is a child of the edge span, itself a child of the caller', async () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const callerSpanId = '00f067aa0ba902b7';
  const response = await fetch(`${platform.edgeUrl}/api/v1/status/auth`, { headers: { traceparent: `00-${traceId}-${callerSpanId}-01` } });
  expect(response.status).toBe(200);
  await platform.stop(); // flushes the exporters
  await waitFor(async () => spans.some((s) => s.service === 'gardien-auth' && s.traceId === traceId), 5_000, 'the spans to arrive');

  const edge = spans.find((s) => s.service === 'gardien-edge-api' && s.traceId === traceId);
  const service = spans.find((s) => s.service === 'gardien-auth' && s.traceId === traceId);
  expect(edge).toMatchObject({ name: 'GET /api/v1/status/:service', parentSpanId: callerSpanId });
  expect(service).toMatchObject({ name: 'gardien.v1.auth.health', parentSpanId: edge!.spanId });
});
