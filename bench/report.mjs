// Turns the measures into verdicts against the targets of issue 2 ("Must show" 7), a table for
// people and a JSON file for the record (bench/results/foundation-<date>.json).
import { mkdir, writeFile } from 'node:fs/promises';

/** A 1-minute load average above this before the start means something else was using the CPUs. */
const BUSY_LOAD = 0.5;

/**
 * Targets on 2 cores. The memory target is "120 MB" per service: read strictly, in decimal
 * megabytes, i.e. 114.4 MiB (RSS is measured in MiB).
 */
export const TARGETS = Object.freeze({ coldStartS: 15, idleRssMiB: Math.floor((120e6 / 2 ** 20) * 10) / 10, roundTripP50Ms: 1.5, roundTripP99Ms: 5 });

/**
 * @typedef {{figure: string, value: number, unit: string, target: number | null, pass: boolean | null}} Verdict
 *   target/pass are null for figures shown for information only.
 * @typedef {object} BenchResult
 * @property {string} date
 * @property {ReturnType<typeof import('./machine.mjs').describeMachine>} machine
 * @property {{before: number, after: number}} load  1-minute load average before and after (the bench adds its own)
 * @property {{runs: import('./cold-start.mjs').ColdStartRun[], minS: number, medianS: number}} coldStart
 * @property {import('./idle-rss.mjs').ServiceMemory[]} idleMemory
 * @property {Awaited<ReturnType<typeof import('./round-trip.mjs').roundTrip>>} roundTrip
 */

/**
 * @param {BenchResult} result
 * @returns {Verdict[]}
 */
export function verdicts(result) {
  const rt = result.roundTrip;
  /** @type {(figure: string, value: number, unit: string, target: number | null) => Verdict} */
  const judge = (figure, value, unit, target) => ({ figure, value, unit, target, pass: target === null ? null : value <= target });
  return [
    judge(`cold start, median of ${result.coldStart.runs.length}`, result.coldStart.medianS, 's', TARGETS.coldStartS),
    ...result.idleMemory.map((m) => judge(`idle RSS ${m.service}`, m.rssMiB, 'MiB', TARGETS.idleRssMiB)),
    judge('round trip p50 (from send)', rt.fromSend.p50, 'ms', TARGETS.roundTripP50Ms),
    judge('round trip p99 (from send)', rt.fromSend.p99, 'ms', TARGETS.roundTripP99Ms),
    judge('round trip p50 (from schedule)', rt.fromSchedule.p50, 'ms', null),
    judge('round trip p99 (from schedule)', rt.fromSchedule.p99, 'ms', null),
  ];
}

/**
 * @param {BenchResult} result
 * @param {Verdict[]} judged
 * @returns {string}
 */
export function renderTable(result, judged) {
  const m = result.machine;
  const rt = result.roundTrip;
  const fmt = (/** @type {number} */ v, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
  const row = (/** @type {string[]} */ cells) => `${cells[0].padEnd(34)} ${cells[1].padStart(11)}  ${cells[2].padEnd(11)} ${cells[3]}`;
  const lines = [
    `Gardien foundation benchmark, ${result.date}`,
    `machine: ${m.cores} cores, ${m.cpuModel}, ${m.memoryGiB} GiB, node ${m.node}, ${m.kernel}, commit ${m.commit}`,
    `load average (1 min): ${result.load.before} before, ${result.load.after} after`,
    '',
    row(['figure', 'measured', 'target', 'verdict']),
    row(['-'.repeat(34), '-'.repeat(11), '-'.repeat(11), '-------']),
    ...judged.map((v) =>
      row([v.figure, `${fmt(v.value, v.unit === 'ms' ? 2 : 1)} ${v.unit}`, v.target === null ? '(info)' : `<= ${v.target} ${v.unit}`, v.pass === null ? '' : v.pass ? 'PASS' : 'FAIL <<<']),
    ),
    '',
    'cold start runs (start -> gardien provision done / ready line of slowest bus service / edge ready / GET /health 200):',
    ...result.coldStart.runs.map((r, i) => {
      const bus = Object.entries(r.readyAtMs).filter(([name]) => name !== 'edge-api').sort((a, b) => b[1] - a[1])[0];
      return `  run ${i + 1}: provisioned ${fmt(r.provisionedMs / 1000)} s / ${bus ? `${bus[0]} ${fmt(bus[1] / 1000)} s` : 'n/a'} / edge ${fmt((r.readyAtMs['edge-api'] ?? Number.NaN) / 1000)} s / healthy ${fmt(r.healthyMs / 1000)} s`;
    }),
    `  min ${fmt(result.coldStart.minS)} s, median ${fmt(result.coldStart.medianS)} s`,
    '',
    'idle memory (MiB):  ' + result.idleMemory.map((x) => `${x.service} rss ${fmt(x.rssMiB, 1)} pss ${x.pssMiB === null ? 'n/a' : fmt(x.pssMiB, 1)}`).join('; '),
    '',
    `round trip: GET ${new URL(rt.plan.url).pathname} at ${rt.plan.rate} req/s open loop, ${rt.plan.durationS} s after ${rt.plan.warmupS} s warm-up, load generator in a child process`,
    `  from send:     p50 ${fmt(rt.fromSend.p50)}  p90 ${fmt(rt.fromSend.p90)}  p99 ${fmt(rt.fromSend.p99)}  max ${fmt(rt.fromSend.max)} ms  (n=${rt.fromSend.count})`,
    `  from schedule: p50 ${fmt(rt.fromSchedule.p50)}  p90 ${fmt(rt.fromSchedule.p90)}  p99 ${fmt(rt.fromSchedule.p99)}  max ${fmt(rt.fromSchedule.max)} ms`,
    `  send lag:      p50 ${fmt(rt.sendLag.p50)}  p99 ${fmt(rt.sendLag.p99)}  max ${fmt(rt.sendLag.max)} ms;  achieved ${fmt(rt.achievedRate, 1)} req/s;  errors ${rt.errors}${rt.errors ? ` ${JSON.stringify(rt.errorKinds)}` : ''}`,
  ];
  return lines.join('\n');
}

/**
 * Lines that must not go unnoticed: missed targets, request errors, a rate not held.
 * @param {BenchResult} result
 * @param {Verdict[]} judged
 * @returns {string[]}
 */
export function misses(result, judged) {
  const out = judged.filter((v) => v.pass === false).map((v) => `MISSED: ${v.figure} = ${v.value.toFixed(2)} ${v.unit} (target <= ${v.target} ${v.unit})`);
  if (result.load.before > BUSY_LOAD) out.push(`BUSY MACHINE: load average ${result.load.before} before the bench started; other work skews these figures, run again when quiet`);
  if (result.roundTrip.errors > 0) out.push(`ERRORS: ${result.roundTrip.errors} failed requests during the round-trip measure`);
  if (result.roundTrip.achievedRate < result.roundTrip.plan.rate * 0.98) out.push(`RATE NOT HELD: ${result.roundTrip.achievedRate.toFixed(1)} req/s instead of ${result.roundTrip.plan.rate}`);
  return out;
}

/**
 * @param {URL} directory
 * @param {BenchResult} result
 * @param {Verdict[]} judged
 * @returns {Promise<string>} the file written
 */
export async function writeResult(directory, result, judged) {
  await mkdir(directory, { recursive: true });
  const file = new URL(`foundation-${result.date.slice(0, 10)}.json`, directory);
  await writeFile(file, `${JSON.stringify({ ...result, targets: TARGETS, verdicts: judged }, null, 2)}\n`);
  return file.pathname;
}
