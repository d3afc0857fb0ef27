// The figures: nearest-rank percentiles, per-operation summaries of the calls that succeeded,
// throughput, the platform's share of the machine, and the residual counters' difference.
import { latencySummary, percentile, resourceMeasure, residualMeasure, summariseOperation, type CallSample } from './poc-measures.js';

test('nearest-rank percentiles, as bench/stats.mjs', () => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1);
  expect([percentile(values, 50), percentile(values, 95), percentile(values, 99), percentile(values, 100)]).toEqual([50, 95, 99, 100]);
  expect(percentile([7], 99)).toBe(7);
  expect(latencySummary([])).toBeNull();
  expect(latencySummary([30, 10, 20])).toEqual({ count: 3, p50: 20, p95: 30, p99: 30, max: 30 });
});

test('an operation: latencies of the calls that succeeded, errors by code, tokens per second over their whole duration', () => {
  const samples: CallSample[] = [
    { operation: 'streamed_chat', ok: true, ms: 500, ttftMs: 100, completionTokens: 20 },
    { operation: 'streamed_chat', ok: true, ms: 1_500, ttftMs: 300, completionTokens: 30 },
    { operation: 'streamed_chat', ok: false, ms: 60_000, error: 'timeout' },
    { operation: 'plain_chat', ok: true, ms: 1, completionTokens: 1 },
  ];
  expect(summariseOperation('streamed_chat', samples)).toEqual({
    operation: 'streamed_chat',
    attempts: 3,
    errors: 1,
    error_codes: { timeout: 1 },
    latency_ms: { count: 2, p50: 500, p95: 1_500, p99: 1_500, max: 1_500 },
    time_to_first_token_ms: { count: 2, p50: 100, p95: 300, p99: 300, max: 300 },
    completion_tokens: 50,
    tokens_per_second: 25,
  });
});

test('documents: the upload’s latency and the time until ready', () => {
  const summary = summariseOperation('document_upload', [
    { operation: 'document_upload', ok: true, ms: 40, readyMs: 400, chunks: 1 },
    { operation: 'document_upload', ok: false, ms: 30, error: 'document_failed', readyMs: 900 },
  ]);
  expect(summary).toMatchObject({ attempts: 2, errors: 1, error_codes: { document_failed: 1 }, latency_ms: { p50: 40 }, ready_ms: { count: 1, p50: 400 } });
  expect(summary.tokens_per_second).toBeUndefined();
});

test('resources: shares of the machine; a service not read leaves the totals unmeasured', () => {
  const read = resourceMeasure(
    [
      { service: 'edge-api', rss_peak_bytes: 1e8, cpu_seconds: 2 },
      { service: 'llm-gateway', rss_peak_bytes: 3e8, cpu_seconds: 6 },
    ],
    4e8,
    10,
    { cores: 2, memoryBytes: 4e9 },
  );
  expect(read).toMatchObject({ rss_peak_total_bytes: 4e8, cpu_seconds_total: 8, memory_percent: 10, cpu_percent: 40 });
  const missing = resourceMeasure([{ service: 'edge-api', rss_peak_bytes: null, cpu_seconds: null }], 0, 10, { cores: 2, memoryBytes: 4e9 });
  expect(missing).toMatchObject({ rss_peak_total_bytes: null, memory_percent: null, cpu_percent: null });
});

test('residual: the difference of the counters by type; checks fewer than the calls made, or failures, make it unmeasured', () => {
  const before = { identifiers: { EMAIL: 2, PHONE: 0 }, checks: 100, failures: 0 };
  expect(residualMeasure(before, { identifiers: { EMAIL: 2, PHONE: 1 }, checks: 150, failures: 0 }, 40)).toEqual({
    measured: true,
    reason: null,
    identifiers: 1,
    by_type: { PHONE: 1 },
    checks: 50,
    expected_checks_at_least: 40,
    failures: 0,
  });
  expect(residualMeasure(before, { ...before, checks: 120 }, 40)).toMatchObject({ measured: false, identifiers: 0 });
  expect(residualMeasure(before, { ...before, checks: 150, failures: 1 }, 40)).toMatchObject({ measured: false });
});
