// What the proof of concept measured, reduced to figures: per operation its attempts, errors and
// latencies (nearest-rank percentiles, as bench/stats.mjs), time to first token and generation
// throughput; the platform's memory and CPU; the identifiers its gateway found in what the runtime
// received. Pure: the runner gives the samples, the policy judges the figures.

export const OPERATIONS = ['document_upload', 'retrieval_chat', 'plain_chat', 'streamed_chat'] as const;
export type OperationName = (typeof OPERATIONS)[number];

/** One call of the scenario, as the client saw it. `error`: a code (`http_503`, `timeout`, `network`, `document_failed`...), never a text of the platform. */
export interface CallSample {
  operation: OperationName;
  ok: boolean;
  ms: number;
  error?: string;
  /** Streaming: from the request to the first piece of the answer. */
  ttftMs?: number;
  /** Chats: the completion tokens the platform counted. */
  completionTokens?: number;
  /** Documents: from the upload to the state `ready` (or the end of waiting). */
  readyMs?: number;
  chunks?: number;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface OperationSummary {
  operation: OperationName;
  attempts: number;
  errors: number;
  /** Errors by code. */
  error_codes: Record<string, number>;
  /** Of the calls that succeeded, in milliseconds; null when none did. */
  latency_ms: LatencySummary | null;
  time_to_first_token_ms?: LatencySummary | null;
  ready_ms?: LatencySummary | null;
  completion_tokens?: number;
  /** Completion tokens over the summed duration of the calls that produced them, as the client sees it. */
  tokens_per_second?: number | null;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function latencySummary(values: readonly number[]): LatencySummary | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 10) / 10;
  return { count: sorted.length, p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1)!) };
}

export function summariseOperation(operation: OperationName, samples: readonly CallSample[]): OperationSummary {
  const own = samples.filter((sample) => sample.operation === operation);
  const succeeded = own.filter((sample) => sample.ok);
  const errorCodes: Record<string, number> = {};
  for (const sample of own) if (!sample.ok) errorCodes[sample.error ?? 'unknown'] = (errorCodes[sample.error ?? 'unknown'] ?? 0) + 1;
  const summary: OperationSummary = { operation, attempts: own.length, errors: own.length - succeeded.length, error_codes: errorCodes, latency_ms: latencySummary(succeeded.map((sample) => sample.ms)) };
  if (operation === 'document_upload') {
    summary.ready_ms = latencySummary(succeeded.flatMap((sample) => (sample.readyMs === undefined ? [] : [sample.readyMs])));
    return summary;
  }
  if (operation === 'streamed_chat') summary.time_to_first_token_ms = latencySummary(succeeded.flatMap((sample) => (sample.ttftMs === undefined ? [] : [sample.ttftMs])));
  const tokens = succeeded.reduce((sum, sample) => sum + (sample.completionTokens ?? 0), 0);
  const seconds = succeeded.reduce((sum, sample) => sum + sample.ms, 0) / 1000;
  summary.completion_tokens = tokens;
  summary.tokens_per_second = seconds > 0 ? Math.round((tokens / seconds) * 10) / 10 : null;
  return summary;
}

export interface ErrorRate {
  attempts: number;
  errors: number;
  percent: number | null;
}

export function errorRate(samples: readonly CallSample[]): ErrorRate {
  const errors = samples.filter((sample) => !sample.ok).length;
  return { attempts: samples.length, errors, percent: samples.length === 0 ? null : Math.round((errors / samples.length) * 10_000) / 100 };
}

/** One service's process, as its metrics endpoint told it. */
export interface ServiceResources {
  service: string;
  /** null: its metrics could not be read. */
  rss_peak_bytes: number | null;
  cpu_seconds: number | null;
}

export interface ResourceMeasure {
  services: ServiceResources[];
  /** The highest sum of the services' resident memory seen in one sampling round. */
  rss_peak_total_bytes: number | null;
  cpu_seconds_total: number | null;
  wall_seconds: number;
  /** Of the machine's memory, and of all its cores over the scenario; null when a service could not be read. */
  memory_percent: number | null;
  cpu_percent: number | null;
}

export function resourceMeasure(services: ServiceResources[], peakTotal: number | null, wallSeconds: number, machine: { cores: number; memoryBytes: number }): ResourceMeasure {
  const complete = services.length > 0 && services.every((service) => service.rss_peak_bytes !== null && service.cpu_seconds !== null);
  const cpu = complete ? services.reduce((sum, service) => sum + service.cpu_seconds!, 0) : null;
  const percent = (value: number) => Math.round(value * 1000) / 10;
  return {
    services,
    rss_peak_total_bytes: complete ? peakTotal : null,
    cpu_seconds_total: cpu === null ? null : Math.round(cpu * 100) / 100,
    wall_seconds: Math.round(wallSeconds * 10) / 10,
    memory_percent: complete && peakTotal !== null ? percent(peakTotal / machine.memoryBytes) : null,
    cpu_percent: cpu !== null && wallSeconds > 0 ? percent(cpu / (wallSeconds * machine.cores)) : null,
  };
}

/** What the gateway's residual check counted over the scenario (the difference of its counters, after minus before). */
export interface ResidualMeasure {
  /** false: the figure proves nothing (why in `reason`). */
  measured: boolean;
  reason: string | null;
  identifiers: number;
  by_type: Record<string, number>;
  /** Runtime calls the check scanned, and how many the scenario made at least. */
  checks: number;
  expected_checks_at_least: number;
  failures: number;
}

export interface ResidualCounters {
  identifiers: Record<string, number>;
  checks: number;
  failures: number;
}

export function residualMeasure(before: ResidualCounters, after: ResidualCounters, expectedChecksAtLeast: number): ResidualMeasure {
  const byType: Record<string, number> = {};
  for (const [type, value] of Object.entries(after.identifiers)) {
    const delta = value - (before.identifiers[type] ?? 0);
    if (delta !== 0) byType[type] = delta;
  }
  const identifiers = Object.values(byType).reduce((sum, n) => sum + n, 0);
  const checks = after.checks - before.checks;
  const failures = after.failures - before.failures;
  const reason =
    failures > 0
      ? `the gateway could not scan ${failures} runtime call(s) again`
      : checks < expectedChecksAtLeast
        ? `the gateway checked ${checks} runtime call(s), the scenario made at least ${expectedChecksAtLeast}: these metrics are not this platform's, or the check did not run`
        : null;
  return { measured: reason === null, reason, identifiers, by_type: byType, checks, expected_checks_at_least: expectedChecksAtLeast, failures };
}
