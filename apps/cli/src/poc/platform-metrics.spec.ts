// Reading the services' Prometheus text: samples with their labels, the residual counters, the
// process figures; and an endpoint that answers for another service is not read as this one.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PlatformMetrics, parsePrometheusText, processFigures, residualCounters } from './platform-metrics.js';

const GATEWAY = `# HELP gardien_llm_residual_identifiers_total Identifiers...
# TYPE gardien_llm_residual_identifiers_total counter
gardien_llm_residual_identifiers_total{type="EMAIL",service="llm-gateway"} 0
gardien_llm_residual_identifiers_total{type="PHONE",service="llm-gateway"} 2
gardien_llm_residual_checks_total{operation="chat",service="llm-gateway"} 5
gardien_llm_residual_checks_total{operation="embeddings",service="llm-gateway"} 7
gardien_llm_residual_check_failures_total{operation="chat",service="llm-gateway"} 0
process_resident_memory_bytes{service="llm-gateway"} 123456789
process_cpu_seconds_total{service="llm-gateway"} 12.5
gardien_handler_duration_seconds_bucket{le="+Inf",handler="a \\"quoted\\" one",service="llm-gateway"} 3
`;

test('samples, labels (escapes included) and values', () => {
  const samples = parsePrometheusText(GATEWAY);
  expect(samples).toHaveLength(8);
  expect(samples.at(-1)).toEqual({ name: 'gardien_handler_duration_seconds_bucket', labels: { le: '+Inf', handler: 'a "quoted" one', service: 'llm-gateway' }, value: 3 });
  expect(residualCounters(samples)).toEqual({ identifiers: { EMAIL: 0, PHONE: 2 }, checks: 12, failures: 0 });
  expect(processFigures(samples)).toEqual({ rssBytes: 123456789, cpuSeconds: 12.5 });
});

test('a gateway without the residual counters has none (not zero)', () => {
  expect(residualCounters(parsePrometheusText('process_cpu_seconds_total{service="llm-gateway"} 1\n'))).toBeUndefined();
});

describe('endpoints', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    // Base port - 0 is the edge, base + 3 the gateway (ALL_SERVICES' order): one server here answers as the edge for every path.
    server = createServer((_req, res) => res.end('process_cpu_seconds_total{service="edge-api"} 1\nprocess_resident_memory_bytes{service="edge-api"} 2\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  test('the service named in the series is the one read; another’s answer on its port is not taken', async () => {
    expect(await new PlatformMetrics('127.0.0.1', port).read('edge-api')).toHaveLength(2);
    expect(await new PlatformMetrics('127.0.0.1', port - 3).read('llm-gateway')).toBeUndefined();
    expect(new PlatformMetrics('127.0.0.1', 9460).url('llm-gateway')).toBe('http://127.0.0.1:9463/metrics');
  });
});
