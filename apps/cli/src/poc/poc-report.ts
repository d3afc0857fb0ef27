// The Go/No-Go report, for a DPO and for operators: JSON (every figure, for scripts) and Markdown
// in French with the English terms beside them. It says what was measured on what: the machine,
// the runtime and the model (plainly when it is the demo model, whose answers are not language:
// the figures then measure the platform, not a model), the date, the scenario; then each judged
// measure with its threshold and verdict, the decision, and the details behind them.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { PocConfig } from './poc-config.js';
import { OPERATION_LABELS, type Figures, type Judgement, type ReportLine, type Verdict } from './go-no-go.policy.js';
import type { LatencySummary } from './poc-measures.js';

export const REPORT_FILES = { markdown: 'poc-report.md', json: 'poc-report.json' } as const;

export interface Machine {
  cores: number;
  cpu_model: string;
  memory_bytes: number;
  node: string;
  kernel: string;
  /** The 1-minute load average before and after: other work on the machine skews every figure. */
  load_average_before: number;
  load_average_after: number | null;
}

export function describeMachine(): Machine {
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpuModel;
  } catch {
    // not Linux: os.cpus() said it
  }
  return {
    cores: os.availableParallelism(),
    cpu_model: cpuModel,
    memory_bytes: os.totalmem(),
    node: process.version,
    kernel: `${os.type()} ${os.release()}`,
    load_average_before: loadAverage(),
    load_average_after: null,
  };
}

export const loadAverage = (): number => Math.round(os.loadavg()[0]! * 100) / 100;

export interface ModelUnderTest {
  id: string;
  runtime: string;
  owned_by: string | null;
  description: string | null;
  /** In tokens, as the catalogue gives it. */
  context_length: number;
  /** The project's demo model: its answers are not language. */
  demo: boolean;
}

export interface PocReport {
  report: 'gardien-poc';
  version: 1;
  date: string;
  decision: Judgement['decision'];
  identifiers_reaching_runtime: number | null;
  edge: string;
  machine: Machine;
  model: ModelUnderTest;
  /** top_k as played (fitted to a small context); compact_documents: one-line dossiers for it. */
  scenario: PocConfig['scenario'] & { compact_documents: boolean; planted_identifiers: number; planted_identifiers_missed: number; retrievals_with_chunks: number };
  thresholds: PocConfig['thresholds'];
  lines: ReportLine[];
  blocking: string[];
  warnings: string[];
  figures: Figures;
  wall_seconds: number;
  /** What the run changed on the platform and left there, and what it could not undo. */
  left_on_platform: string[];
}

const VERDICTS: Record<Verdict, string> = {
  ok: '✅ conforme (OK)',
  warning: '⚠️ alerte (warning)',
  critical: '❌ critique (No-Go)',
  not_measured: '❌ non mesuré (No-Go)',
};

const number = (value: number, digits = 1): string => new Intl.NumberFormat('fr-FR', { maximumFractionDigits: digits }).format(value);
const seconds = (ms: number | undefined): string => (ms === undefined ? '—' : `${number(ms / 1000, 3)} s`);
const megabytes = (bytes: number | null): string => (bytes === null ? 'non lu' : `${number(bytes / 1024 ** 2, 0)} Mio`);

function valueOf(line: ReportLine): string {
  if (line.value === null) return 'non mesuré';
  if (line.unit === 's') return `${number(line.value, 3)} s`;
  if (line.unit === '%') return `${number(line.value, 2)} %`;
  return number(line.value, 0);
}

const latencyRow = (label: string, attempts: number | string, errors: number | string, latency: LatencySummary | null | undefined): string =>
  `| ${label} | ${attempts} | ${errors} | ${latency ? [latency.p50, latency.p95, latency.p99, latency.max].map((ms) => seconds(ms)).join(' | ') : '— | — | — | —'} |`;

export function renderMarkdown(report: PocReport): string {
  const { machine, model, figures } = report;
  const out: string[] = [];
  out.push(`# Rapport Go/No-Go : preuve de concept Gardien (proof of concept)`, '');
  out.push(`**Décision (decision) : ${report.decision === 'Go' ? 'GO' : 'NO-GO'}**${report.decision === 'Go' && report.warnings.length > 0 ? ` avec réserves (${report.warnings.length} alerte(s))` : ''}`, '');
  out.push(`- Date : ${report.date}`);
  out.push(`- Machine : ${machine.cores} cœurs (cores), ${machine.cpu_model}, ${number(machine.memory_bytes / 1024 ** 3, 1)} Gio de mémoire, Node.js ${machine.node}, ${machine.kernel}`);
  out.push(`- Charge de la machine (load average, 1 min) : ${number(machine.load_average_before, 2)} avant, ${machine.load_average_after === null ? '—' : number(machine.load_average_after, 2)} après`);
  out.push(`- Runtime : ${model.runtime} ; modèle (model) : \`${model.id}\`${model.owned_by ? ` (${model.owned_by})` : ''}`);
  out.push(`- Plateforme (edge) : ${report.edge} ; durée du scénario : ${number(report.wall_seconds, 1)} s`, '');
  if (model.demo) {
    out.push(
      `> **Modèle de démonstration.** \`${model.id}\` est le modèle écrit par le projet : ses réponses ne sont pas du langage ` +
        `(il continue l'alphabet). Les chiffres ci-dessous mesurent la plateforme (authentification, pipeline de la passerelle, ` +
        `pseudonymisation, recherche documentaire, streaming), pas la qualité ni la vitesse d'un vrai modèle. ` +
        `*Demo model: its answers are not language; these figures measure the platform, not a model.* ` +
        `Pour décider d'une mise en production, rejouer ce rapport sur le modèle réel (Ollama, vLLM ou un GGUF monté).`,
      '',
    );
  }
  out.push(`## Mesures, seuils et verdicts (measures, thresholds, verdicts)`, '');
  out.push('| Mesure (measure) | Valeur (value) | Seuil (threshold) | Verdict |', '| --- | --- | --- | --- |');
  for (const line of report.lines) out.push(`| ${line.measure} | ${valueOf(line)} | ${line.threshold} | ${VERDICTS[line.verdict]} |`);
  out.push('');
  if (report.blocking.length > 0) out.push(`Bloquant (blocking) : ${report.blocking.join(', ')}.`, '');
  if (report.warnings.length > 0) out.push(`Réserves (warnings) : ${report.warnings.join(', ')}.`, '');

  out.push(`## Latences de bout en bout (end-to-end latency), appels réussis`, '');
  out.push('| Opération | Appels | Erreurs | p50 | p95 | p99 | max |', '| --- | --- | --- | --- | --- | --- | --- |');
  for (const summary of figures.operations) out.push(latencyRow(OPERATION_LABELS[summary.operation], summary.attempts, summary.errors, summary.latency_ms));
  const streamed = figures.operations.find((summary) => summary.operation === 'streamed_chat');
  const upload = figures.operations.find((summary) => summary.operation === 'document_upload');
  out.push(latencyRow("premier jeton en streaming (time to first token)", streamed?.attempts ?? 0, streamed?.errors ?? 0, streamed?.time_to_first_token_ms));
  out.push(latencyRow('document prêt à la recherche (upload → ready)', upload?.attempts ?? 0, upload?.errors ?? 0, upload?.ready_ms));
  out.push('');
  const errorCodes = figures.operations.flatMap((summary) => Object.entries(summary.error_codes).map(([code, count]) => `${summary.operation}: ${code} × ${count}`));
  if (errorCodes.length > 0) out.push(`Erreurs par code : ${errorCodes.join(' ; ')}.`, '');

  out.push(`## Débit de génération (tokens/s)`, '');
  out.push('Jetons de complétion comptés par la plateforme, divisés par la durée totale des appels qui les ont produits, vus du client (completion tokens over the calls’ whole duration).', '');
  out.push('| Opération | Jetons (tokens) | Jetons/s |', '| --- | --- | --- |');
  for (const summary of figures.operations) {
    if (summary.completion_tokens === undefined) continue;
    out.push(`| ${OPERATION_LABELS[summary.operation]} | ${summary.completion_tokens} | ${summary.tokens_per_second === null || summary.tokens_per_second === undefined ? '—' : number(summary.tokens_per_second, 1)} |`);
  }
  out.push('');

  out.push(`## Mémoire et CPU des processus de la plateforme (memory and CPU)`, '');
  out.push(`Lus sur le point de métriques de chaque service (process_resident_memory_bytes, process_cpu_seconds_total), une fois par seconde pendant le scénario (${number(figures.resources.wall_seconds, 1)} s).`, '');
  out.push('| Service | RSS au pic | CPU (s) |', '| --- | --- | --- |');
  for (const service of figures.resources.services) out.push(`| ${service.service} | ${megabytes(service.rss_peak_bytes)} | ${service.cpu_seconds === null ? 'non lu' : number(service.cpu_seconds, 2)} |`);
  out.push(`| **total** | ${megabytes(figures.resources.rss_peak_total_bytes)} | ${figures.resources.cpu_seconds_total === null ? 'non lu' : number(figures.resources.cpu_seconds_total, 2)} |`, '');

  out.push(`## Identifiants ayant atteint le runtime : ce que dit ce chiffre`, '');
  out.push(
    `Juste avant d'appeler le runtime, la passerelle relit avec le moteur PII les textes pseudonymisés qu'elle va lui envoyer ` +
      `(messages, séquences d'arrêt, textes à vectoriser) et compte chaque identifiant trouvé (\`gardien_llm_residual_identifiers_total\`). ` +
      `Ce rapport lit ce compteur avant et après le scénario : ${figures.residual.identifiers} identifiant(s) sur ${figures.residual.checks} appel(s) du runtime vérifiés ` +
      `(au moins ${figures.residual.expected_checks_at_least} attendus)${figures.residual.reason ? ` ; non concluant : ${figures.residual.reason}` : ''}. ` +
      `Ce contrôle ne voit que ce que le moteur reconnaît : c'est pourquoi le scénario vérifie aussi, avant envoi, que le moteur reconnaît chacun des ` +
      `${figures.planted.total} identifiants qu'il a plantés (${figures.planted.missed} manqué(s)). Le compteur est celui de toute la plateforme : ` +
      `un autre trafic pendant le scénario y compterait aussi.`,
    '',
  );

  const scenario = report.scenario;
  out.push(`## Scénario (données fictives générées par le projet, aucune donnée réelle)`, '');
  out.push(
    `Graine (seed) ${scenario.seed} : ${scenario.documents} dossiers (mutuelle, cabinet comptable, cabinet d'avocats), chacun sur une personne inventée ` +
      `(nom, courriel, mobile, IBAN et NIR aux clés valides) déposés dans la collection \`${scenario.collection}\` ; ${scenario.retrieval_chats} questions avec recherche documentaire ` +
      `(top_k ${scenario.top_k}, ${scenario.retrievals_with_chunks} ont reçu au moins un extrait), ${scenario.plain_chats} chats simples, ${scenario.streamed_chats} chats en streaming par /v1/chat/completions ; ` +
      `au plus ${scenario.max_tokens} jetons par réponse, ${scenario.concurrency} appel(s) à la fois.`,
    '',
  );
  if (scenario.compact_documents) {
    out.push(
      `Le modèle lit ${model.context_length} jetons au plus (context) : les dossiers tiennent en une ligne et chaque question reçoit un seul extrait, ` +
        `pour que l'en-tête des extraits, l'extrait et la question tiennent dans son contexte (a prompt longer than the context is refused by the runtime).`,
      '',
    );
  }
  if (report.left_on_platform.length > 0) out.push(`Laissé sur la plateforme : ${report.left_on_platform.join(' ; ')}.`, '');
  return `${out.join('\n')}\n`;
}

export function writeReport(outDir: string, report: PocReport): { markdown: string; json: string } {
  mkdirSync(outDir, { recursive: true });
  const markdown = join(outDir, REPORT_FILES.markdown);
  const json = join(outDir, REPORT_FILES.json);
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(markdown, renderMarkdown(report));
  return { markdown, json };
}
