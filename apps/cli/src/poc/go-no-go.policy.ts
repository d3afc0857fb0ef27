// The Go/No-Go decision, from the figures and the thresholds: one line per judged measure (its value,
// its threshold, its verdict), then the whole. A value above its warning threshold is a warning,
// above its critical threshold is critical (the checklist's "> 3 s", "> 5 %"); any critical line is
// No-Go. A judged measure that could not be taken is No-Go too: a report that cannot show there
// were no identifiers reaching the runtime does not say there were none. Warnings leave it Go, with
// reservations listed.
import type { PocConfig } from './poc-config.js';
import { OPERATIONS, type ErrorRate, type OperationName, type OperationSummary, type ResidualMeasure, type ResourceMeasure } from './poc-measures.js';

export type Verdict = 'ok' | 'warning' | 'critical' | 'not_measured';
export type Decision = 'Go' | 'No-Go';

export interface ReportLine {
  id: string;
  /** French first, for the DPO and the operators; English after it. */
  measure: string;
  value: number | null;
  unit: 's' | '%' | 'identifiants';
  threshold: string;
  verdict: Verdict;
}

export interface Judgement {
  decision: Decision;
  lines: ReportLine[];
  /** Ids of the lines that make it No-Go, then of those that warn. */
  blocking: string[];
  warnings: string[];
}

/** The scenario's own identifiers, scanned before they are sent: one the engine misses would reach the runtime in clear, and the residual check (the same engine) would not count it. */
export interface PlantedCheck {
  total: number;
  missed: number;
}

export interface Figures {
  planted: PlantedCheck;
  operations: OperationSummary[];
  errors: ErrorRate;
  residual: ResidualMeasure;
  resources: ResourceMeasure;
}

export const OPERATION_LABELS: Record<OperationName, string> = {
  document_upload: 'dépôt de document (document upload, POST /api/v1/documents)',
  retrieval_chat: 'chat avec recherche documentaire (retrieval chat)',
  plain_chat: 'chat simple (plain chat)',
  streamed_chat: 'chat en streaming, réponse complète (streamed chat, whole answer)',
};

interface Levels {
  warning: number;
  critical: number;
}

function leveled(value: number | null, levels: Levels): Verdict {
  if (value === null || Number.isNaN(value)) return 'not_measured';
  if (value > levels.critical) return 'critical';
  if (value > levels.warning) return 'warning';
  return 'ok';
}

const french = (value: number): string => String(value).replace('.', ',');
const levelsText = (levels: Levels, unit: string): string => `alerte > ${french(levels.warning)} ${unit}, critique > ${french(levels.critical)} ${unit}`;
const toSeconds = (ms: number | undefined): number | null => (ms === undefined || Number.isNaN(ms) ? null : Math.round(ms) / 1000);

export function judge(figures: Figures, thresholds: PocConfig['thresholds']): Judgement {
  const lines: ReportLine[] = [];
  const response = thresholds.response_time_seconds;
  const p = response.percentile;
  for (const operation of OPERATIONS) {
    const summary = figures.operations.find((candidate) => candidate.operation === operation);
    const value = toSeconds(summary?.latency_ms?.[p]);
    lines.push({ id: `response_time.${operation}`, measure: `Temps de réponse ${p}, ${OPERATION_LABELS[operation]}`, value, unit: 's', threshold: levelsText(response, 's'), verdict: leveled(value, response) });
  }
  const streamed = figures.operations.find((candidate) => candidate.operation === 'streamed_chat');
  const ttft = toSeconds(streamed?.time_to_first_token_ms?.[p]);
  lines.push({ id: 'time_to_first_token', measure: `Temps jusqu'au premier jeton ${p} (time to first token, streaming)`, value: ttft, unit: 's', threshold: levelsText(response, 's'), verdict: leveled(ttft, response) });

  const rate = thresholds.error_rate_percent;
  lines.push({ id: 'error_rate', measure: `Taux d'erreur, toutes opérations (error rate, ${figures.errors.errors}/${figures.errors.attempts})`, value: figures.errors.percent, unit: '%', threshold: levelsText(rate, '%'), verdict: leveled(figures.errors.percent, rate) });

  lines.push(residualLine(figures.residual, thresholds.identifiers_reaching_runtime.critical));
  lines.push({
    id: 'planted_identifiers_missed',
    measure: `Identifiants du scénario que le moteur PII ne reconnaît pas (planted identifiers the PII engine misses; ${figures.planted.total} plantés)`,
    value: figures.planted.missed,
    unit: 'identifiants',
    threshold: 'un seul est No-Go (any is No-Go)',
    verdict: figures.planted.missed > 0 ? 'critical' : 'ok',
  });

  const memory = thresholds.memory_percent;
  const cpu = thresholds.cpu_percent;
  if (memory) lines.push({ id: 'memory', measure: 'Mémoire résidente (RSS) de la plateforme au pic, part de la mémoire de la machine', value: figures.resources.memory_percent, unit: '%', threshold: levelsText(memory, '%'), verdict: leveled(figures.resources.memory_percent, memory) });
  if (cpu) lines.push({ id: 'cpu', measure: 'CPU de la plateforme pendant le scénario, part de tous les cœurs', value: figures.resources.cpu_percent, unit: '%', threshold: levelsText(cpu, '%'), verdict: leveled(figures.resources.cpu_percent, cpu) });

  const blocking = lines.filter((line) => line.verdict === 'critical' || line.verdict === 'not_measured').map((line) => line.id);
  const warnings = lines.filter((line) => line.verdict === 'warning').map((line) => line.id);
  return { decision: blocking.length === 0 ? 'Go' : 'No-Go', lines, blocking, warnings };
}

/** Any identifier over the limit is critical, measured or not; none found proves something only if the check ran on this scenario's calls. */
function residualLine(residual: ResidualMeasure, critical: number): ReportLine {
  const verdict: Verdict = residual.identifiers > critical ? 'critical' : residual.measured ? 'ok' : 'not_measured';
  return {
    id: 'identifiers_reaching_runtime',
    measure: `Identifiants ayant atteint le runtime du modèle (identifiers reaching the runtime; ${residual.checks} appels vérifiés)`,
    value: residual.measured || residual.identifiers > 0 ? residual.identifiers : null,
    unit: 'identifiants',
    threshold: critical === 0 ? 'un seul est No-Go (any is No-Go)' : `critique > ${critical}`,
    verdict,
  };
}
