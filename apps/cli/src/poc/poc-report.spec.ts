// The report as its readers get it: the decision, the machine, the runtime and model (the demo
// model said plainly), the date, one row per judged measure with its threshold and verdict; the
// JSON beside it with every figure.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPocConfig } from './poc-config.js';
import { judge, type Figures } from './go-no-go.policy.js';
import { OPERATIONS, errorRate, residualMeasure, resourceMeasure, summariseOperation, type CallSample } from './poc-measures.js';
import { REPORT_FILES, describeMachine, renderMarkdown, writeReport, type PocReport } from './poc-report.js';

function reportWith(options: { demo: boolean; residual?: number }): PocReport {
  const config = defaultPocConfig();
  const samples: CallSample[] = OPERATIONS.flatMap((operation) => [{ operation, ok: true, ms: 250, ttftMs: 90, completionTokens: 26, readyMs: 600 }]);
  const figures: Figures = {
    planted: { total: 180, missed: 0 },
    operations: OPERATIONS.map((operation) => summariseOperation(operation, samples)),
    errors: errorRate(samples),
    residual: residualMeasure({ identifiers: {}, checks: 0, failures: 0 }, { identifiers: { IBAN: options.residual ?? 0 }, checks: 9, failures: 0 }, 4),
    resources: resourceMeasure([{ service: 'llm-gateway', rss_peak_bytes: 300 * 1024 ** 2, cpu_seconds: 3 }], 300 * 1024 ** 2, 20, { cores: 2, memoryBytes: 8 * 1024 ** 3 }),
  };
  const judgement = judge(figures, config.thresholds);
  return {
    report: 'gardien-poc',
    version: 1,
    date: '2026-12-07T10:00:00.000Z',
    decision: judgement.decision,
    identifiers_reaching_runtime: figures.residual.identifiers,
    edge: 'http://127.0.0.1:8080',
    machine: { ...describeMachine(), load_average_after: 1.5 },
    model: options.demo
      ? { id: 'gardien-demo', runtime: 'embedded', owned_by: 'gardien (démo)', description: null, context_length: 512, demo: true }
      : { id: 'mistral-7b', runtime: 'ollama', owned_by: 'gardien', description: null, context_length: 8_192, demo: false },
    scenario: { ...config.scenario, compact_documents: options.demo, planted_identifiers: 180, planted_identifiers_missed: 0, retrievals_with_chunks: 1 },
    thresholds: config.thresholds,
    lines: judgement.lines,
    blocking: judgement.blocking,
    warnings: judgement.warnings,
    figures,
    wall_seconds: 20,
    left_on_platform: ['la finalité poc-gardien (purpose)'],
  };
}

test('the Markdown: decision, date, machine, runtime and model, one row per judged measure with its threshold and verdict', () => {
  const report = reportWith({ demo: false });
  const markdown = renderMarkdown(report);
  expect(markdown).toContain('**Décision (decision) : GO**');
  expect(markdown).toContain('- Date : 2026-12-07T10:00:00.000Z');
  expect(markdown).toMatch(/- Machine : \d+ cœurs \(cores\), .+, Node\.js v\d+/);
  expect(markdown).toContain('- Runtime : ollama ; modèle (model) : `mistral-7b`');
  for (const line of report.lines) expect(markdown).toContain(`| ${line.measure} |`);
  expect(markdown).toContain('| Temps de réponse p95, chat simple (plain chat) | 0,25 s | alerte > 3 s, critique > 10 s | ✅ conforme (OK) |');
  expect(markdown).toMatch(/\| Identifiants ayant atteint le runtime du modèle .* \| 0 \| un seul est No-Go \(any is No-Go\) \| ✅ conforme \(OK\) \|/);
  expect(markdown).not.toContain('Modèle de démonstration');
});

test('on the demo model the report says plainly that its answers are not language and that the figures measure the platform', () => {
  const markdown = renderMarkdown(reportWith({ demo: true }));
  expect(markdown).toContain('**Modèle de démonstration.**');
  expect(markdown).toContain('ses réponses ne sont pas du langage');
  expect(markdown).toContain('these figures measure the platform, not a model');
});

test('an identifier reaching the runtime: NO-GO, the line critical', () => {
  const report = reportWith({ demo: true, residual: 1 });
  expect(report.decision).toBe('No-Go');
  const markdown = renderMarkdown(report);
  expect(markdown).toContain('**Décision (decision) : NO-GO**');
  expect(markdown).toMatch(/\| Identifiants ayant atteint le runtime du modèle .* \| 1 \| .* \| ❌ critique \(No-Go\) \|/);
  expect(markdown).toContain('Bloquant (blocking) : identifiers_reaching_runtime.');
});

test('both files are written in the folder, the JSON with the decision and the identifiers at its top', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gardien-poc-report-'));
  try {
    const files = writeReport(join(dir, 'out'), reportWith({ demo: true }));
    expect(files).toEqual({ markdown: join(dir, 'out', REPORT_FILES.markdown), json: join(dir, 'out', REPORT_FILES.json) });
    const json = JSON.parse(readFileSync(files.json, 'utf8')) as PocReport;
    expect(json).toMatchObject({ report: 'gardien-poc', decision: 'Go', identifiers_reaching_runtime: 0, model: { demo: true } });
    expect(readFileSync(files.markdown, 'utf8')).toBe(renderMarkdown(json));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
