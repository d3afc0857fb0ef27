// `gardien poc run`: the proof of concept of EPIC 3 against the running platform. It plays a
// scripted scenario of fictitious French dossiers and questions through the edge (upload and
// retrieval, chat, streaming), measures it, and writes a Go/No-Go report (Markdown and JSON)
// judged against the thresholds of the pre-production checklist. Exit codes: 0 Go, 1 No-Go,
// 2 could not run (the platform does not answer, or not as needed), 64 bad usage.
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { ALL_SERVICES } from '@gardien/contracts';
import { DEMO_MODEL } from '@gardien/gguf';
import { PiiScanner } from '@gardien/pii';
import { DEMO_OWNED_BY } from '../start/demo-model.js';
import { METRICS_PORT_BASE } from '../start/start.command.js';
import { EX_USAGE, exitOnUsageError, withoutOptionValues } from '../usage-errors.js';
import { judge, type Figures } from './go-no-go.policy.js';
import { EdgeClient, EdgeUnreachable } from './edge-client.js';
import { PlatformMetrics, residualCounters } from './platform-metrics.js';
import { POC_PURPOSE, PocAccounts, PocSetupError, PocUsageError, readAdminCredentials, type AccountOptions, type AdminCredentials, type PocAccount } from './poc-account.js';
import { PocConfigError, loadPocConfig, type PocConfig } from './poc-config.js';
import { OPERATIONS, errorRate, residualMeasure, resourceMeasure, summariseOperation, type ResidualCounters } from './poc-measures.js';
import { describeMachine, loadAverage, writeReport, type ModelUnderTest, type PocReport } from './poc-report.js';
import { ResourceSampler, playScenario } from './poc-run.js';
import { buildScenario, fitToContext, missedByEngine } from './poc-scenario.js';

export const POC_EXIT = { go: 0, noGo: 1, couldNotRun: 2, usage: EX_USAGE } as const;

export interface PocOptions extends AccountOptions {
  edge?: string;
  out?: string;
  config?: string;
  runtime?: string;
  model?: string;
  metricsHost?: string;
  metricsPort?: number;
}

export interface PocIo {
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

interface PocInputs {
  config: PocConfig;
  credentials: AdminCredentials;
  edgeUrl: string;
  metrics: PlatformMetrics;
  modelId: string;
  runtime: string | undefined;
}

/** Everything the command is given, checked before anything is asked of the platform (a PocConfigError or PocUsageError: exit 64). */
function readInputs(options: PocOptions, env: NodeJS.ProcessEnv): PocInputs {
  const config = loadPocConfig(options.config);
  const credentials = readAdminCredentials(options, env);
  const edgeUrl = edgeUrlOf(options.edge ?? env.GARDIEN_POC_EDGE ?? `http://127.0.0.1:${env.GARDIEN_HTTP_PORT ?? '8080'}`);
  const metrics = new PlatformMetrics(options.metricsHost ?? env.GARDIEN_METRICS_HOST ?? '127.0.0.1', options.metricsPort ?? metricsPortOf(env.GARDIEN_METRICS_PORT));
  return { config, credentials, edgeUrl, metrics, modelId: options.model ?? DEMO_MODEL.id, runtime: options.runtime ?? env.GARDIEN_LLM_RUNTIME };
}

export async function runPoc(options: PocOptions, io: PocIo): Promise<number> {
  const say = (line: string) => io.stderr.write(`[gardien poc] ${line}\n`);
  let inputs: PocInputs;
  try {
    inputs = readInputs(options, io.env);
  } catch (error) {
    if (error instanceof PocConfigError || error instanceof PocUsageError) {
      io.stderr.write(`gardien poc run: ${error.message}\n`);
      return POC_EXIT.usage;
    }
    throw error;
  }
  const edge = new EdgeClient(inputs.edgeUrl);
  try {
    const health = await edge.call('GET', '/health', { timeoutMs: 10_000 });
    if (health.status !== 200) throw new PocSetupError(`the edge at ${inputs.edgeUrl} answers its health check with HTTP ${health.status}: is every service up?`);
    const before = await gatewayCounters(inputs.metrics);
    const accounts = new PocAccounts(edge, inputs.credentials);
    say(`logging in as the admin of tenant ${inputs.credentials.tenant}; allowing ${inputs.modelId}, declaring the purpose ${POC_PURPOSE}, creating a user account for this run`);
    const account = await accounts.setUp(inputs.modelId);
    let measured: Measured;
    try {
      measured = await measure(edge, account, inputs, before, say);
    } catch (error) {
      await accounts.tearDown(account, []).catch(() => []);
      throw error;
    }
    const left = (await accounts.tearDown(account, measured.documentIds)).map((what) => `${what} (non supprimé, could not be deleted)`);
    left.push(`la finalité ${POC_PURPOSE} (purpose)${account.purposeCreated ? ', créée par ce rapport' : ''}`);
    if (account.modelAllowed) left.push(`le modèle ${inputs.modelId} ajouté aux modèles autorisés du tenant (allowed model)`);
    const report: PocReport = { ...measured.report, left_on_platform: left };
    const files = writeReport(resolve(options.out ?? 'poc-report'), report);
    io.stdout.write(`Go/No-Go: ${report.decision}${report.blocking.length > 0 ? ` (blocking: ${report.blocking.join(', ')})` : ''}; identifiers reaching the runtime: ${report.identifiers_reaching_runtime ?? 'not measured'} (of those the PII engine recognises: the report says what it cannot see)\n`);
    io.stdout.write(`report: ${files.markdown}, ${files.json}\n`);
    return report.decision === 'Go' ? POC_EXIT.go : POC_EXIT.noGo;
  } catch (error) {
    if (error instanceof EdgeUnreachable) {
      io.stderr.write(`gardien poc run: the platform does not answer: ${error.message}. Start it with \`npm start\` (or \`npx gardien start\`), or give --edge URL.\n`);
      return POC_EXIT.couldNotRun;
    }
    if (error instanceof PocSetupError) {
      io.stderr.write(`gardien poc run: could not run: ${error.message}\n`);
      return POC_EXIT.couldNotRun;
    }
    throw error;
  }
}

interface Measured {
  report: Omit<PocReport, 'left_on_platform'>;
  documentIds: string[];
}

/** The scenario fitted to the model, played while the platform's resources are sampled, its figures judged. */
async function measure(edge: EdgeClient, account: PocAccount, inputs: PocInputs, before: ResidualCounters, say: (line: string) => void): Promise<Measured> {
  const { config, metrics } = inputs;
  const model = await modelUnderTest(edge, account, inputs.modelId, inputs.runtime);
  if (model.demo) say(`${model.id} is the demo model: its answers are not language; the figures measure the platform, not a model`);
  const fitted = fitToContext(model.context_length, config.scenario.top_k);
  if (fitted.compact) say(`${model.id} reads ${model.context_length} tokens at most: one-line dossiers, one chunk per question`);
  const settings = { ...config.scenario, top_k: fitted.topK };
  const scenario = buildScenario(settings.seed, settings, { compact: fitted.compact });
  const planted = missedByEngine(scenario, new PiiScanner());
  const machine = describeMachine();
  const sampler = new ResourceSampler(metrics, ALL_SERVICES);
  await sampler.start();
  const run = await playScenario({ edge, token: account.userToken, model: model.id, purpose: POC_PURPOSE, scenario, settings, progress: say });
  const resources = await sampler.stop();
  machine.load_average_after = loadAverage();
  const after = residualCounters((await metrics.read('llm-gateway')) ?? []);
  // At least one runtime call per chat answered and per document stored (its embeddings).
  const expectedChecks = run.samples.filter((sample) => sample.ok).length;
  const residual = after ? residualMeasure(before, after, expectedChecks) : { ...residualMeasure(before, before, expectedChecks), measured: false, reason: 'the gateway’s metrics could not be read after the scenario' };
  const figures: Figures = {
    planted: { total: planted.total, missed: planted.missed.length },
    operations: OPERATIONS.map((operation) => summariseOperation(operation, run.samples)),
    errors: errorRate(run.samples),
    residual,
    resources: resourceMeasure(resources.services, resources.peakTotal, run.wallSeconds, { cores: machine.cores, memoryBytes: machine.memory_bytes }),
  };
  const judgement = judge(figures, config.thresholds);
  const report = {
    report: 'gardien-poc',
    version: 1,
    date: new Date().toISOString(),
    decision: judgement.decision,
    identifiers_reaching_runtime: residual.measured || residual.identifiers > 0 ? residual.identifiers : null,
    edge: inputs.edgeUrl,
    machine,
    model,
    scenario: { ...settings, compact_documents: fitted.compact, planted_identifiers: planted.total, planted_identifiers_missed: planted.missed.length, retrievals_with_chunks: run.retrievalsWithChunks },
    thresholds: config.thresholds,
    lines: judgement.lines,
    blocking: judgement.blocking,
    warnings: judgement.warnings,
    figures,
    wall_seconds: Math.round(run.wallSeconds * 10) / 10,
  } as const;
  return { report, documentIds: run.documentIds };
}

/** The residual check's counters before the scenario: without them the run could not show what reached the runtime. */
async function gatewayCounters(metrics: PlatformMetrics): Promise<ResidualCounters> {
  const samples = await metrics.read('llm-gateway');
  if (!samples) throw new PocSetupError(`the gateway's metrics do not answer at ${metrics.url('llm-gateway')} (a platform started by gardien start with GARDIEN_METRICS_PORT as its base; give --metrics-port)`);
  const counters = residualCounters(samples);
  if (!counters) throw new PocSetupError('the gateway does not count residual identifiers (gardien_llm_residual_identifiers_total): rebuild and restart it');
  return counters;
}

async function modelUnderTest(edge: EdgeClient, account: PocAccount, id: string, runtime: string | undefined): Promise<ModelUnderTest> {
  const answer = await edge.call('GET', '/api/v1/llm/models', { token: account.userToken, timeoutMs: 30_000 });
  const listed = answer.status === 200 ? (answer.body as { models?: Array<{ id: string; owned_by: string; description: string | null; context_length: number }> }).models?.find((model) => model.id === id) : undefined;
  if (!listed) throw new PocSetupError(`the gateway does not serve the model ${id} (HTTP ${answer.status}); give --model with one of GET /api/v1/llm/models`);
  const demo = listed.owned_by === DEMO_OWNED_BY;
  return { id, runtime: runtime ?? (demo ? 'embedded (llama.cpp dans le processus de la passerelle)' : 'non précisé (not given: --runtime NAME)'), owned_by: listed.owned_by, description: listed.description, context_length: listed.context_length, demo };
}

function edgeUrlOf(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new PocUsageError('--edge is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new PocUsageError('--edge must be an http:// or https:// URL');
  return url.toString().replace(/\/$/, '');
}

function metricsPortOf(value: string | undefined): number {
  if (value === undefined || value === '') return METRICS_PORT_BASE;
  const port = Number(value);
  if (port === 0) throw new PocUsageError('GARDIEN_METRICS_PORT=0: the services took random metrics ports; give --metrics-port with the base of a platform started with a fixed one');
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new PocUsageError('GARDIEN_METRICS_PORT is not a port');
  return port;
}

function portNumber(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65_535) throw new InvalidArgumentError('a port from 1 to 65535');
  return port;
}

export const POC_HELP = `
Plays a scripted scenario of fictitious French dossiers (generated from a seed, no real data)
through the running platform: documents uploaded and followed until ready, chats with retrieval,
plain chats, streamed chats through /v1/chat/completions. Writes poc-report.md (French) and
poc-report.json in --out (default ./poc-report), judged against --config (JSON; defaults: the
pre-production checklist, response time > 3 s warning, > 10 s critical; error rate > 5 % / > 10 %;
CPU and RAM > 70 % / > 90 %; any identifier reaching the runtime is No-Go).

Who it runs as: the tenant admin created by \`gardien bootstrap\`. Give bootstrap's output with
--bootstrap-file (mode 0600: it holds TOTP secrets) or --tenant, --admin-email and
GARDIEN_POC_TOTP_SECRET (or a current code in GARDIEN_POC_TOTP); the password in
GARDIEN_POC_ADMIN_PASSWORD or GARDIEN_BOOTSTRAP_PASSWORD, never on the command line. The run allows
--model in the tenant, declares the purpose ${POC_PURPOSE}, creates a user account for itself and
deletes it, with its documents, at the end.

The platform's metrics (memory, CPU, the gateway's residual identifiers) are read at
GARDIEN_METRICS_HOST (127.0.0.1) from the port base GARDIEN_METRICS_PORT (${METRICS_PORT_BASE}), as
\`gardien start\` serves them. --runtime names the runtime in the report (the gateway serves the one
it was started with).
Exit 0: Go. Exit 1: No-Go. Exit 2: could not run (platform not reachable, login refused...). Exit 64: bad usage.`;

export function pocCommand(): Command {
  const poc = new Command('poc').description('the proof of concept: a scripted scenario on fictitious data through the running platform, and its Go/No-Go report');
  poc
    .command('run')
    .description('play the scenario through the running platform and write the Go/No-Go report (Markdown and JSON)')
    .option('--edge <url>', 'the edge of the running platform (default http://127.0.0.1:$GARDIEN_HTTP_PORT, 8080)')
    .option('--out <dir>', 'where to write poc-report.md and poc-report.json (default ./poc-report)')
    .option('--config <file>', 'thresholds and scenario (JSON); what it leaves out keeps its default')
    .option('--runtime <name>', 'the runtime the gateway serves the model with, as the report names it (ollama, vllm, embedded…)')
    .option('--model <id>', `the model to call (default ${DEMO_MODEL.id}, the demo model of npm start)`)
    .option('--bootstrap-file <file>', 'the JSON printed by gardien bootstrap (tenant and its admin’s TOTP secret)')
    .option('--tenant <slug>', 'the tenant, when not from --bootstrap-file')
    .option('--admin-email <email>', 'the tenant admin’s email')
    .option('--metrics-host <host>', 'where the services serve their metrics (default $GARDIEN_METRICS_HOST, 127.0.0.1)')
    .option('--metrics-port <port>', `the base port of the services' metrics (default $GARDIEN_METRICS_PORT, ${METRICS_PORT_BASE})`, portNumber)
    .addHelpText('after', POC_HELP)
    .configureOutput({ outputError: (message, write) => write(withoutOptionValues(message)) })
    .exitOverride(exitOnUsageError)
    .action(async (options: PocOptions) => {
      process.exitCode = await runPoc(options, { env: process.env, stdout: process.stdout, stderr: process.stderr });
    });
  return poc.configureOutput({ outputError: (message, write) => write(withoutOptionValues(message)) }).exitOverride(exitOnUsageError);
}
