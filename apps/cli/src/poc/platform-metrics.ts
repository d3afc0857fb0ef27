// The platform's own Prometheus metrics, read on this machine: each service serves them at
// GARDIEN_METRICS_HOST:(GARDIEN_METRICS_PORT + its index in ALL_SERVICES), as `gardien start` sets
// them. Memory and CPU are the process_* series of each service's own process (prom-client), read
// there rather than by scanning /proc for apps/*/dist/main.js: on a machine shared with other
// platforms, the command lines are the same, the metrics endpoint is this platform's. The
// gateway's residual check is its gardien_llm_residual_* counters.
import { ALL_SERVICES, type ServiceName } from '@gardien/contracts';
import type { ResidualCounters } from './poc-measures.js';

export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** The samples of Prometheus' text format (version 0.0.4); comments and lines it cannot read are skipped. */
export function parsePrometheusText(text: string): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = LINE.exec(line.trim());
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, raw] of (match[2] ?? '').matchAll(LABEL)) labels[key!] = raw!.replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
    const value = match[3] === '+Inf' ? Infinity : match[3] === '-Inf' ? -Infinity : Number(match[3]);
    if (!Number.isNaN(value) || match[3] === 'NaN') samples.push({ name: match[1]!, labels, value });
  }
  return samples;
}

const sum = (samples: readonly MetricSample[], name: string): number | undefined => {
  const matching = samples.filter((sample) => sample.name === name);
  return matching.length === 0 ? undefined : matching.reduce((total, sample) => total + sample.value, 0);
};

/** The residual check's counters, or undefined when the gateway does not have them. */
export function residualCounters(samples: readonly MetricSample[]): ResidualCounters | undefined {
  const identifiers = samples.filter((sample) => sample.name === 'gardien_llm_residual_identifiers_total');
  const checks = sum(samples, 'gardien_llm_residual_checks_total');
  if (identifiers.length === 0 || checks === undefined) return undefined;
  return {
    identifiers: Object.fromEntries(identifiers.map((sample) => [sample.labels.type ?? 'unknown', sample.value])),
    checks,
    failures: sum(samples, 'gardien_llm_residual_check_failures_total') ?? 0,
  };
}

export interface ProcessFigures {
  rssBytes: number;
  cpuSeconds: number;
}

export function processFigures(samples: readonly MetricSample[]): ProcessFigures | undefined {
  const rss = sum(samples, 'process_resident_memory_bytes');
  const cpu = sum(samples, 'process_cpu_seconds_total');
  return rss === undefined || cpu === undefined ? undefined : { rssBytes: rss, cpuSeconds: cpu };
}

/** Where the metrics of each service of a platform started by `gardien start` are. */
export class PlatformMetrics {
  constructor(
    private readonly host: string,
    private readonly basePort: number,
    private readonly timeoutMs = 5_000,
  ) {}

  url(service: ServiceName): string {
    return `http://${this.host}:${this.basePort + ALL_SERVICES.indexOf(service)}/metrics`;
  }

  /** The service's samples, or undefined when its endpoint does not answer or answers for another service. */
  async read(service: ServiceName): Promise<MetricSample[] | undefined> {
    try {
      const response = await fetch(this.url(service), { signal: AbortSignal.timeout(this.timeoutMs) });
      if (!response.ok) return undefined;
      const samples = parsePrometheusText(await response.text());
      // Every series carries the service's name (ServiceMetrics' default label): a port held by another process is not read as this one.
      return samples.some((sample) => sample.labels.service === service) ? samples : undefined;
    } catch {
      return undefined;
    }
  }

  async readAll(): Promise<Map<ServiceName, MetricSample[] | undefined>> {
    const read = await Promise.all(ALL_SERVICES.map(async (service) => [service, await this.read(service)] as const));
    return new Map(read);
  }
}
