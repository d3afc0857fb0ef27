// Trace context is carried HTTP -> NATS -> service -> service: with an OTLP exporter configured, the
// edge's server span is a child of the client's traceparent, the service's span a child of the
// edge's, and a call a service makes while handling a message a child of that handler's span. The
// collector is an in-test OTLP/HTTP endpoint.
import { createServer, type Server } from 'node:http';
import { BootstrapResult } from '@gardien/contracts';
import { PlatformProcesses, PrivateNats, dropTestDatabases, freePort, testDatabasePrefix, waitFor } from '@gardien/testing';
import { freshTotp, runCli, totpSecretOf } from './identity-support.js';

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
    services: ['auth', 'tenant', 'edge-api'],
    env: { GARDIEN_OTEL_EXPORTER: 'otlp', GARDIEN_OTEL_ENDPOINT: `http://127.0.0.1:${port}/v1/traces` },
  });
});

afterAll(async () => {
  await platform?.dispose();
  await nats?.dispose();
  collector?.close();
  await dropTestDatabases(prefix);
});

const PASSWORD = 'a long enough password for tracing';
const statusTrace = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', callerSpanId: '00f067aa0ba902b7' };
const loginTrace = { traceId: '0af7651916cd43dd8448eb211c80319c', callerSpanId: 'b7ad6b7169203331' };

test('a login is one trace: HTTP -> edge -> auth -> tenant, each span the child of the one before', async () => {
  const run = await runCli(
    ['bootstrap', '--admin-email', 'root@trace.example', '--tenant', 'traced', '--tenant-name', 'Traced', '--tenant-admin-email', 'admin@trace.example'],
    { GARDIEN_NATS_URL: nats.url, GARDIEN_BOOTSTRAP_PASSWORD: PASSWORD },
  );
  expect(run.code).toBe(0);
  const admin = BootstrapResult.parse(JSON.parse(run.stdout)).tenant!.admin;
  const status = await fetch(`${platform.edgeUrl}/api/v1/status/auth`, { headers: { traceparent: `00-${statusTrace.traceId}-${statusTrace.callerSpanId}-01` } });
  expect(status.status).toBe(200);
  const login = await fetch(`${platform.edgeUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent: `00-${loginTrace.traceId}-${loginTrace.callerSpanId}-01` },
    body: JSON.stringify({ email: 'admin@trace.example', password: PASSWORD, tenant: 'traced', totp: await freshTotp(totpSecretOf(admin.totp_uri), new Set()) }),
  });
  expect(login.status).toBe(200);
  await platform.stop(); // flushes the exporters
  await waitFor(async () => spans.some((s) => s.service === 'gardien-tenant' && s.traceId === loginTrace.traceId), 5_000, 'the spans to arrive');

  const edge = spans.find((s) => s.service === 'gardien-edge-api' && s.traceId === loginTrace.traceId);
  const auth = spans.find((s) => s.service === 'gardien-auth' && s.traceId === loginTrace.traceId);
  const tenant = spans.find((s) => s.service === 'gardien-tenant' && s.traceId === loginTrace.traceId);
  expect(edge).toMatchObject({ name: 'POST /api/v1/auth/login', parentSpanId: loginTrace.callerSpanId });
  expect(auth).toMatchObject({ name: 'gardien.v1.auth.login', parentSpanId: edge!.spanId });
  expect(tenant).toMatchObject({ name: 'gardien.v1.tenant.tenants.resolve', parentSpanId: auth!.spanId });
});

test('the service span of a status probe is a child of the edge span, itself a child of the caller', () => {
  const edge = spans.find((s) => s.service === 'gardien-edge-api' && s.traceId === statusTrace.traceId);
  const service = spans.find((s) => s.service === 'gardien-auth' && s.traceId === statusTrace.traceId);
  expect(edge).toMatchObject({ name: 'GET /api/v1/status/:service', parentSpanId: statusTrace.callerSpanId });
  expect(service).toMatchObject({ name: 'gardien.v1.auth.health', parentSpanId: edge!.spanId });
});
