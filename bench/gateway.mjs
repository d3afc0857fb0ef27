// `npm run bench`, gateway part (issue 11, "Must show" 7): the latency Gardien's LLM gateway adds to
// a model call, beside a peer gateway's, and the gateway's idle memory, measured on this machine.
//
// One model runtime (the test ModelRuntimeServer, its own process: a non-streamed chat answers
// "Echo: " and the prompt at once) is called three ways with the same OpenAI chat completion, at
// the same fixed rate and for the same time, open loop from a process of its own:
//   direct   POST <runtime>/v1/chat/completions;
//   Gardien  POST <edge>/v1/chat/completions with a tenant API key: edge -> NATS -> llm-gateway
//            (authorise, legal basis, quota in Postgres, input guards, PII scan and pseudonymisation,
//            the runtime through its OpenAI-compatible adapter, output guards, re-identification,
//            metering and audit in one transaction) -> NATS -> edge;
//   Portkey  POST <portkey>/v1/chat/completions (@portkey-ai/gateway, its own process on loopback)
//            with the runtime as an OpenAI-compatible custom host.
// Prompts are about 2 KB of French with 12 fictitious identifiers each (gateway-prompts.mjs);
// every answer must be 200 with the prompt echoed back as sent (through Gardien: pseudonymised on
// the way in, restored on the way out), anything else is counted as an error.
// Latency is taken from each request's scheduled time (free of coordinated omission); a request
// that timed out counts as later than any answer. The direct path is measured before and after
// Portkey, and its two windows pooled are the baseline: the added latency at a percentile is the
// gateway's percentile minus the baseline's (a difference of percentiles, not a percentile of
// per-request differences, which one request cannot have). Gardien is measured last (a gateway
// that cannot keep up works through its backlog after its window, and would load the next one),
// at 300 req/s and, for information, at 50 req/s; for its windows the per-stage durations of its
// audit entries say where its time went. Between windows the runtime must have been quiet for 1 s.
// Idle RSS of the llm-gateway process is read as the foundation bench reads it (VmRSS after 5 s
// idle), once the platform is set up and before any load, against the same 120 MB budget.
// Prints a table, writes bench/results/gateway-<date>.json, exits 0 even when a target is missed
// (misses are printed loudly), 1 only when the bench itself failed.
import { fork, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PiiScanner } from '@gardien/pii';
import { DEFAULT_SERVED_MODEL, REPO_ROOT, freePort } from '@gardien/testing';
import { BenchEnvironment } from './environment.mjs';
import { GARDIEN_MODEL, gatewayStageTimes, startGardien } from './gateway-platform.mjs';
import { benchPrompts } from './gateway-prompts.mjs';
import { idleMemory } from './idle-rss.mjs';
import { describeMachine, loadAverage } from './machine.mjs';
import { TARGETS as FOUNDATION_TARGETS } from './report.mjs';
import { latencySummary } from './stats.mjs';
import { renderGatewayReport, writeGatewayResult } from './gateway-report.mjs';

const RATE = 300;
const MEASURE_S = 20;
const TIMEOUT_MS = 5_000;
const IDLE_MS = 5_000;
const PROMPTS = 64;
/** After a window, the runtime must see no request for this long before the next one starts (at most QUIET_MAX_MS). */
const QUIET_MS = 1_000;
const QUIET_MAX_MS = 30_000;
/**
 * Measured in this order. The two direct windows, pooled, are the baseline. Gardien comes last: a
 * gateway that cannot keep up still works through its backlog after its window ends, which
 * would load the windows after it. `figure` groups windows: `gardien-low` is for information,
 * the same path at a rate it sustains on this machine, so that its cost per call shows apart
 * from its saturation.
 */
const PHASES = /** @type {const} */ ([
  { name: 'direct, before', figure: 'direct', path: 'direct', rate: RATE, warmupS: 10, measureS: MEASURE_S },
  { name: 'Portkey', figure: 'portkey', path: 'portkey', rate: RATE, warmupS: 15, measureS: MEASURE_S },
  { name: 'direct, after', figure: 'direct', path: 'direct', rate: RATE, warmupS: 5, measureS: MEASURE_S },
  { name: 'Gardien at 50/s', figure: 'gardien-low', path: 'gardien', rate: 50, warmupS: 3, measureS: 15 },
  { name: 'Gardien', figure: 'gardien', path: 'gardien', rate: RATE, warmupS: 15, measureS: MEASURE_S },
]);
/**
 * GARDIEN_BENCH_PHASES=direct,gardien-low: only the windows of these figures, to look into one of
 * them (a CPU profile, flags); such a run prints its table but writes no result.
 */
const ONLY = process.env.GARDIEN_BENCH_PHASES?.split(',').filter(Boolean);
const PLANNED = ONLY ? PHASES.filter((phase) => ONLY.includes(phase.figure)) : PHASES;
export const GATEWAY_TARGETS = Object.freeze({ addedP50Ms: 2, addedP99Ms: 10, idleRssMiB: FOUNDATION_TARGETS.idleRssMiB });

const RUNTIME = fileURLToPath(new URL('./gateway-runtime.mjs', import.meta.url));
const LOAD = fileURLToPath(new URL('./gateway-load.mjs', import.meta.url));
const PORTKEY = fileURLToPath(new URL('./gateway-portkey.mjs', import.meta.url));
const RESULTS_DIR = new URL('./results/', import.meta.url);

const say = (/** @type {string} */ line) => process.stderr.write(`[bench] ${line}\n`);
const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Child processes this bench started itself (the platform's are the environment's). */
const children = new Set();
/** @param {import('node:child_process').ChildProcess} child */
function own(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}
const killChildren = () => {
  for (const child of children) child.kill('SIGKILL');
};

/** The runtime server, in its own process. */
async function startRuntime() {
  const child = own(fork(RUNTIME, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }));
  const address = /** @type {{url: string, openAiBaseUrl: string}} */ (await nextMessage(child));
  return {
    ...address,
    /** @returns {Promise<{counts: Record<string, number>, bodies: string[]}>} what reached it since the last sample */
    sample: async () => {
      const answer = nextMessage(child);
      child.send({ type: 'sample' });
      return /** @type {{counts: Record<string, number>, bodies: string[]}} */ (await answer);
    },
  };
}

/** @param {import('node:child_process').ChildProcess} child @returns {Promise<unknown>} */
function nextMessage(child) {
  return new Promise((resolve, reject) => {
    const onExit = (/** @type {number | null} */ code) => reject(new Error(`child ${child.pid} exited with code ${code}`));
    child.once('exit', onExit);
    child.once('message', (message) => {
      child.off('exit', onExit);
      resolve(message);
    });
  });
}

/**
 * Portkey's gateway in its own process, on loopback, told per request where the runtime is.
 * @param {string} runtimeBaseUrl
 */
async function startPortkey(runtimeBaseUrl) {
  const port = await freePort();
  const child = own(spawn(process.execPath, [PORTKEY, `--port=${port}`, '--headless'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] }));
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr = `${stderr}${chunk}`.slice(-2000)));
  const url = `http://127.0.0.1:${port}`;
  for (let waited = 0; ; waited += 100) {
    if (child.exitCode !== null) throw new Error(`Portkey exited with code ${child.exitCode}: ${stderr}`);
    const answered = await fetch(`${url}/`, { signal: AbortSignal.timeout(1_000) }).then((r) => r.ok, () => false);
    if (answered) break;
    if (waited > 20_000) throw new Error(`Portkey not answering after 20 s: ${stderr}`);
    await sleep(100);
  }
  const headers = { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': runtimeBaseUrl, authorization: 'Bearer not-needed-by-the-runtime' };
  return { url, pid: /** @type {number} */ (child.pid), headers };
}

/**
 * CPU time (user and system) a process has used so far, in ms, from /proc/<pid>/stat: per request,
 * what a path costs the machine, a figure that other work on it skews far less than latency.
 * @param {number} pid
 */
async function cpuMs(pid) {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // After the command name (in brackets, which may hold spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}
/** USER_HZ: 100 on every Linux this runs on (sysconf(_SC_CLK_TCK)). */
const CLOCK_TICKS = 100;

/** @param {number} pid */
async function residentMiB(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]);
  return kib / 1024;
}

/**
 * One open-loop run from its own process.
 * @param {import('./gateway-load.mjs').ChatLoadPlan} plan
 * @returns {Promise<import('./gateway-load.mjs').ChatLoadResult>}
 */
async function load(plan) {
  const child = own(fork(LOAD, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' })); // keeps Infinity (timed out)
  const deadline = setTimeout(() => child.kill('SIGKILL'), (plan.warmupS + plan.durationS) * 1000 + 30_000);
  try {
    const result = nextMessage(child);
    child.send(plan);
    return /** @type {import('./gateway-load.mjs').ChatLoadResult} */ (await result);
  } finally {
    clearTimeout(deadline);
  }
}

/** @param {readonly import('./gateway-prompts.mjs').BenchPrompt[]} prompts */
function promptFacts(prompts) {
  const scanner = new PiiScanner();
  const sizes = prompts.map((p) => Buffer.byteLength(p.text));
  const found = prompts.map((p) => scanner.scan(p.text));
  const missed = prompts.reduce((sum, p, i) => sum + p.identifiers.filter((value) => !found[i].some((f) => f.text === value)).length, 0);
  /** @type {Record<string, number>} */
  const byType = {};
  for (const f of found.flat()) byType[f.type] = (byType[f.type] ?? 0) + 1;
  return { count: prompts.length, minBytes: Math.min(...sizes), maxBytes: Math.max(...sizes), identifiersWritten: prompts.reduce((sum, p) => sum + p.identifiers.length, 0), findingsByType: byType, identifiersNotFound: missed };
}

/**
 * What the runtime received during a window: one chat request per request sent (no retry, nothing
 * extra; fewer when requests failed), and, through Gardien, placeholders in place of every
 * identifier of the prompts (a plain proxy passes them on as they are).
 * @param {string} path
 * @param {{counts: Record<string, number>, bodies: string[]}} sample
 * @param {import('./gateway-load.mjs').ChatLoadResult} result
 * @param {readonly string[]} identifiers
 */
function runtimeSaw(path, sample, result, identifiers) {
  const chats = sample.counts['/v1/chat/completions'] ?? 0;
  const withIdentifier = sample.bodies.filter((body) => identifiers.some((value) => body.includes(JSON.stringify(value).slice(1, -1)))).length;
  const withPlaceholder = sample.bodies.filter((body) => /<(EMAIL|PHONE|IBAN|PERSON)_\d+>/.test(body)).length;
  const bodiesRight = path === 'gardien' ? withIdentifier === 0 && withPlaceholder === sample.bodies.length : withIdentifier === sample.bodies.length;
  const countRight = result.answered === result.sent ? chats === result.sent : chats <= result.sent;
  return { chatRequests: chats, sent: result.sent, bodiesSampled: sample.bodies.length, bodiesWithAnIdentifier: withIdentifier, bodiesWithPlaceholders: withPlaceholder, asExpected: bodiesRight && countRight };
}

/**
 * Waits until the runtime has had no chat request for QUIET_MS (a gateway still working through
 * requests its clients gave up on), at most QUIET_MAX_MS.
 * @param {Awaited<ReturnType<typeof startRuntime>>} runtime
 */
async function quietRuntime(runtime) {
  const started = Date.now();
  let late = 0;
  for (;;) {
    await sleep(QUIET_MS);
    const chats = (await runtime.sample()).counts['/v1/chat/completions'] ?? 0;
    late += chats;
    if (chats === 0 || Date.now() - started > QUIET_MAX_MS) return { waitedMs: Date.now() - started, lateChatRequests: late, quiet: chats === 0 };
  }
}

/** @param {BenchEnvironment} environment */
async function measure(environment) {
  const prompts = benchPrompts(PROMPTS);
  const identifiers = prompts.flatMap((p) => p.identifiers);
  const expected = prompts.map((p) => `Echo: ${p.text}`);
  const bodiesFor = (/** @type {string} */ model) => prompts.map((p) => JSON.stringify({ model, messages: [{ role: 'user', content: p.text }], max_tokens: 1024 }));

  say('runtime server (own process), Portkey (own process), then the platform');
  const runtime = await startRuntime();
  const portkey = await startPortkey(runtime.openAiBaseUrl);
  const { processes, apiKey, prefix } = await startGardien(environment, runtime.openAiBaseUrl);
  const gatewayPid = processes.pid('llm-gateway');
  if (gatewayPid === undefined) throw new Error('llm-gateway is not running');

  const targets = {
    direct: { url: `${runtime.openAiBaseUrl}/chat/completions`, headers: {}, bodies: bodiesFor(DEFAULT_SERVED_MODEL.name) },
    gardien: { url: `${processes.edgeUrl}/v1/chat/completions`, headers: { authorization: `Bearer ${apiKey}` }, bodies: bodiesFor(GARDIEN_MODEL) },
    portkey: { url: `${portkey.url}/v1/chat/completions`, headers: portkey.headers, bodies: bodiesFor(DEFAULT_SERVED_MODEL.name) },
  };
  // One call each, before anything is timed: a path that cannot answer stops the bench here.
  for (const [name, target] of Object.entries(targets)) {
    const once = await load({ ...target, expected, rate: 1, warmupS: 0, durationS: 1, timeoutMs: 30_000 });
    if (once.answered !== 1) throw new Error(`the ${name} path does not answer as expected: ${once.errorSample}`);
  }

  say(`idle ${IDLE_MS / 1000} s, then reading RSS`);
  const memory = await idleMemory(processes, IDLE_MS);
  const portkeyIdleMiB = await residentMiB(portkey.pid);

  const phases = [];
  for (const [index, phase] of PLANNED.entries()) {
    say(`${phase.name}: ${phase.rate} req/s, ${phase.warmupS} s warm-up + ${phase.measureS} s`);
    await runtime.sample();
    const loadAtStart = loadAverage();
    const cpuPids = phase.path === 'gardien' ? { 'llm-gateway': gatewayPid, 'edge-api': /** @type {number} */ (processes.pid('edge-api')) } : phase.path === 'portkey' ? { portkey: portkey.pid } : {};
    const cpuBefore = await Promise.all(Object.values(cpuPids).map(cpuMs));
    const measuredFrom = new Date(Date.now() + phase.warmupS * 1000);
    const result = await load({ ...targets[phase.path], expected, rate: phase.rate, warmupS: phase.warmupS, durationS: phase.measureS, timeoutMs: TIMEOUT_MS });
    const measuredTo = new Date();
    const cpuAfter = await Promise.all(Object.values(cpuPids).map(cpuMs));
    // Over the whole run (warm-up included), per request sent.
    const cpuPerRequestMs = Object.fromEntries(Object.keys(cpuPids).map((name, i) => [name, (cpuAfter[i] - cpuBefore[i]) / result.sent]));
    const seen = runtimeSaw(phase.path, await runtime.sample(), result, identifiers);
    const errors = Object.values(result.errors).reduce((a, b) => a + b, 0);
    const quiet = index < PLANNED.length - 1 ? await quietRuntime(runtime) : null;
    phases.push({
      ...phase,
      loadAtStart,
      fromSchedule: latencySummary(result.fromSchedule),
      fromSend: latencySummary(result.fromSend),
      sendLag: latencySummary(result.sendLag),
      samples: { fromSchedule: result.fromSchedule, fromSend: result.fromSend },
      sent: result.sent,
      answered: result.answered,
      errors,
      errorKinds: result.errors,
      errorSample: result.errorSample,
      // Requests of the measured window settled (answered or failed) per second of it.
      achievedRate: (result.fromSchedule.filter(Number.isFinite).length + result.measuredErrors) / (result.measuredSpanMs / 1000),
      runtime: seen,
      cpuPerRequestMs,
      quietAfter: quiet,
      stages: phase.path === 'gardien' ? await gatewayStageTimes(prefix, measuredFrom, measuredTo) : null,
    });
  }

  await sleep(IDLE_MS);
  const afterLoad = { gatewayMiB: await residentMiB(gatewayPid), edgeMiB: await residentMiB(/** @type {number} */ (processes.pid('edge-api'))), portkeyMiB: await residentMiB(portkey.pid) };
  return { prompts: promptFacts(prompts), phases, idleMemory: { services: memory, portkeyMiB: portkeyIdleMiB, afterLoad } };
}

/** Each figure's latency (windows of the same figure pooled: direct is the baseline) and what each gateway adds at each percentile. */
function summarise(/** @type {Awaited<ReturnType<typeof measure>>['phases']} */ phases) {
  const pooled = (/** @type {string} */ figure, /** @type {'fromSchedule' | 'fromSend'} */ kind) => latencySummary(phases.filter((p) => p.figure === figure).flatMap((p) => p.samples[kind]));
  const figures = ['direct', 'gardien', 'portkey', 'gardien-low'];
  const paths = Object.fromEntries(figures.map((figure) => [figure, { fromSchedule: pooled(figure, 'fromSchedule'), fromSend: pooled(figure, 'fromSend') }]));
  const minus = (/** @type {ReturnType<typeof latencySummary>} */ a, /** @type {ReturnType<typeof latencySummary>} */ b) => ({ p50: a.p50 - b.p50, p90: a.p90 - b.p90, p99: a.p99 - b.p99, max: a.max - b.max });
  const added = Object.fromEntries(figures.slice(1).map((figure) => [figure, { fromSchedule: minus(paths[figure].fromSchedule, paths.direct.fromSchedule), fromSend: minus(paths[figure].fromSend, paths.direct.fromSend) }]));
  return { paths, added };
}

async function main() {
  const environment = new BenchEnvironment();
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) process.once(signal, killChildren);
  environment.disposeOnSignals();
  const started = { date: new Date().toISOString(), machine: describeMachine(), loadBefore: loadAverage() };
  const measured = await measure(environment).finally(async () => {
    say('cleaning up (runtime, Portkey, platform processes, nats-server, test databases)');
    killChildren();
    await environment.dispose();
  });
  const { paths, added } = summarise(measured.phases);
  const phases = measured.phases.map(({ samples, ...phase }) => phase);
  const result = {
    date: started.date,
    machine: started.machine,
    load: { before: started.loadBefore, after: loadAverage() },
    plan: { rate: RATE, measureS: MEASURE_S, timeoutMs: TIMEOUT_MS, quietMs: QUIET_MS, phases: PHASES, portkey: '@portkey-ai/gateway (see package.json), headers x-portkey-provider: openai, x-portkey-custom-host: <runtime>/v1' },
    prompts: measured.prompts,
    phases,
    paths,
    added,
    idleMemory: measured.idleMemory,
  };
  const { text, verdicts } = renderGatewayReport(result, GATEWAY_TARGETS);
  process.stdout.write(`\n${text}\n\n`);
  if (ONLY) process.stdout.write(`only ${ONLY.join(', ')}: no result written\n`);
  else process.stdout.write(`result written to ${await writeGatewayResult(RESULTS_DIR, result, GATEWAY_TARGETS, verdicts)}\n`);
}

main().catch((error) => {
  say(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  killChildren();
  process.exitCode = 1;
});
