// The decision: each threshold at its edges (the checklist's "> 3 s" is strict), warnings leave it
// Go, any critical line or any identifier reaching the runtime is No-Go, and so is a judged measure
// that could not be taken.
import { defaultPocConfig, parsePocConfig } from './poc-config.js';
import { judge, type Figures } from './go-no-go.policy.js';
import { OPERATIONS, errorRate, residualMeasure, resourceMeasure, summariseOperation, type CallSample } from './poc-measures.js';

const thresholds = defaultPocConfig().thresholds;
const counters = (identifiers: Record<string, number>, checks: number, failures = 0) => ({ identifiers, checks, failures });

/** Every operation answered in `ms`, `errors` of the first operation's `attempts` failed. */
function figures(ms: number, options: { errors?: number; attempts?: number; residual?: number; checks?: number; missed?: number; memoryBytes?: number } = {}): Figures {
  const attempts = options.attempts ?? 20;
  const samples: CallSample[] = OPERATIONS.flatMap((operation) =>
    Array.from({ length: attempts }, (_, i): CallSample => {
      const failed = operation === 'plain_chat' && i < (options.errors ?? 0);
      return failed ? { operation, ok: false, ms, error: 'http_503' } : { operation, ok: true, ms, ttftMs: ms, completionTokens: 10, readyMs: ms };
    }),
  );
  const succeeded = samples.filter((sample) => sample.ok).length;
  return {
    planted: { total: 100, missed: options.missed ?? 0 },
    operations: OPERATIONS.map((operation) => summariseOperation(operation, samples)),
    errors: errorRate(samples),
    residual: residualMeasure(counters({ EMAIL: 4 }, 10), counters({ EMAIL: 4 + (options.residual ?? 0) }, 10 + (options.checks ?? succeeded)), succeeded),
    resources: resourceMeasure([{ service: 'llm-gateway', rss_peak_bytes: options.memoryBytes ?? 1e9, cpu_seconds: 10 }], options.memoryBytes ?? 1e9, 100, { cores: 2, memoryBytes: 10e9 }),
  };
}

const verdictOf = (figuresOf: Figures, id: string, config = thresholds) => judge(figuresOf, config).lines.find((line) => line.id === id)?.verdict;

test('fast, no error, nothing reaching the runtime: Go, every line ok', () => {
  const judgement = judge(figures(120), thresholds);
  expect(judgement.decision).toBe('Go');
  expect(judgement.lines.every((line) => line.verdict === 'ok')).toBe(true);
  expect(judgement.lines.map((line) => line.id)).toEqual([
    'response_time.document_upload',
    'response_time.retrieval_chat',
    'response_time.plain_chat',
    'response_time.streamed_chat',
    'time_to_first_token',
    'error_rate',
    'identifiers_reaching_runtime',
    'planted_identifiers_missed',
    'memory',
    'cpu',
  ]);
});

test('response time: 3 s is ok, above it a warning (still Go), 10 s a warning, above it critical (No-Go)', () => {
  expect(verdictOf(figures(3_000), 'response_time.plain_chat')).toBe('ok');
  expect(verdictOf(figures(3_001), 'response_time.plain_chat')).toBe('warning');
  expect(judge(figures(3_001), thresholds)).toMatchObject({ decision: 'Go', warnings: expect.arrayContaining(['time_to_first_token']) });
  expect(verdictOf(figures(10_000), 'response_time.plain_chat')).toBe('warning');
  expect(verdictOf(figures(10_001), 'response_time.plain_chat')).toBe('critical');
  expect(judge(figures(10_001), thresholds).decision).toBe('No-Go');
});

test('error rate: 5 % is ok, above a warning, above 10 % critical', () => {
  // 20 attempts per operation, 80 in all: 4 errors are 5 %, 5 are 6.25 %, 9 are 11.25 %.
  expect(verdictOf(figures(100, { errors: 4 }), 'error_rate')).toBe('ok');
  expect(verdictOf(figures(100, { errors: 5 }), 'error_rate')).toBe('warning');
  expect(verdictOf(figures(100, { errors: 8 }), 'error_rate')).toBe('warning');
  expect(verdictOf(figures(100, { errors: 9 }), 'error_rate')).toBe('critical');
  expect(judge(figures(100, { errors: 9 }), thresholds).lines.find((line) => line.id === 'error_rate')).toMatchObject({ value: 11.25 });
});

test('one identifier reaching the runtime is No-Go, whatever else', () => {
  const judgement = judge(figures(100, { residual: 1 }), thresholds);
  expect(judgement.decision).toBe('No-Go');
  expect(judgement.blocking).toEqual(['identifiers_reaching_runtime']);
  expect(judgement.lines.find((line) => line.id === 'identifiers_reaching_runtime')).toMatchObject({ value: 1, verdict: 'critical' });
});

test('zero identifiers proves nothing when the gateway did not check this scenario’s calls: not measured, No-Go', () => {
  const unchecked = figures(100, { checks: 3 });
  expect(unchecked.residual).toMatchObject({ measured: false, identifiers: 0 });
  expect(verdictOf(unchecked, 'identifiers_reaching_runtime')).toBe('not_measured');
  expect(judge(unchecked, thresholds).decision).toBe('No-Go');
});

test('a planted identifier the engine misses is No-Go: it would reach the runtime in clear, uncounted', () => {
  expect(verdictOf(figures(100, { missed: 1 }), 'planted_identifiers_missed')).toBe('critical');
});

test('memory over 70 % of the machine warns, over 90 % is No-Go; a config may leave memory and CPU unjudged', () => {
  expect(verdictOf(figures(100, { memoryBytes: 7.5e9 }), 'memory')).toBe('warning');
  expect(verdictOf(figures(100, { memoryBytes: 9.5e9 }), 'memory')).toBe('critical');
  const unjudged = parsePocConfig({ thresholds: { memory_percent: null, cpu_percent: null } }).thresholds;
  expect(judge(figures(100, { memoryBytes: 9.5e9 }), unjudged)).toMatchObject({ decision: 'Go' });
  expect(judge(figures(100), unjudged).lines.map((line) => line.id)).not.toContain('memory');
});

test('an operation with no call that succeeded has no latency: not measured, No-Go', () => {
  const judgement = judge(figures(100, { errors: 20 }), thresholds);
  expect(judgement.lines.find((line) => line.id === 'response_time.plain_chat')).toMatchObject({ value: null, verdict: 'not_measured' });
  expect(judgement.decision).toBe('No-Go');
});

test('the percentile judged is the config’s', () => {
  const samples = (operation: CallSample['operation']): CallSample[] => Array.from({ length: 100 }, (_, i) => ({ operation, ok: true, ms: i < 90 ? 100 : 5_000 }));
  const mixed = { ...figures(100), operations: OPERATIONS.map((operation) => summariseOperation(operation, samples(operation))) };
  expect(verdictOf(mixed, 'response_time.plain_chat')).toBe('warning');
  expect(verdictOf(mixed, 'response_time.plain_chat', parsePocConfig({ thresholds: { response_time_seconds: { percentile: 'p50' } } }).thresholds)).toBe('ok');
});
