// The gateway bench's verdicts against issue 11's targets, its table for people and its JSON file
// for the record (bench/results/gateway-<date>.json).
import { mkdir, writeFile } from 'node:fs/promises';

/** A 1-minute load average above this before the start means something else was using the CPUs. */
const BUSY_LOAD = 0.5;

/**
 * @typedef {{p50: number, p90: number, p99: number, max: number}} Percentiles
 * @typedef {{figure: string, value: number, unit: string, target: number | null, pass: boolean | null}} GatewayVerdict
 */

/**
 * @param {any} result  what gateway.mjs measured
 * @param {{addedP50Ms: number, addedP99Ms: number, idleRssMiB: number}} targets
 * @returns {{text: string, verdicts: GatewayVerdict[]}}
 */
export function renderGatewayReport(result, targets) {
  const gateway = result.idleMemory.services.find((/** @type {{service: string}} */ s) => s.service === 'llm-gateway');
  const edge = result.idleMemory.services.find((/** @type {{service: string}} */ s) => s.service === 'edge-api');
  /** @type {(figure: string, value: number, unit: string, target: number | null) => GatewayVerdict} */
  const judge = (figure, value, unit, target) => ({ figure, value, unit, target, pass: target === null ? null : value <= target });
  const added = result.added;
  const verdicts = [
    judge('Gardien added p50', added.gardien.fromSchedule.p50, 'ms', targets.addedP50Ms),
    judge('Gardien added p99', added.gardien.fromSchedule.p99, 'ms', targets.addedP99Ms),
    judge('idle RSS llm-gateway', gateway.rssMiB, 'MiB', targets.idleRssMiB),
    judge('Portkey added p50', added.portkey.fromSchedule.p50, 'ms', null),
    judge('Portkey added p99', added.portkey.fromSchedule.p99, 'ms', null),
    judge('Gardien @50/s added p50', added['gardien-low'].fromSchedule.p50, 'ms', null),
    judge('Gardien @50/s added p99', added['gardien-low'].fromSchedule.p99, 'ms', null),
    judge('idle RSS edge-api', edge.rssMiB, 'MiB', null),
    judge('idle RSS Portkey', result.idleMemory.portkeyMiB, 'MiB', null),
  ];
  const fmt = (/** @type {number} */ v, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : v === Number.POSITIVE_INFINITY ? 'timeout' : 'n/a');
  const pct = (/** @type {Percentiles} */ s) => `p50 ${fmt(s.p50)}  p90 ${fmt(s.p90)}  p99 ${fmt(s.p99)}  max ${fmt(s.max)} ms`;
  const row = (/** @type {string[]} */ cells) => `${cells[0].padEnd(24)} ${cells[1].padStart(11)}  ${cells[2].padEnd(12)} ${cells[3]}`;
  const m = result.machine;
  const p = result.prompts;
  const lines = [
    `Gardien gateway benchmark, ${result.date}`,
    `machine: ${m.cores} cores, ${m.cpuModel}, ${m.memoryGiB} GiB, node ${m.node}, ${m.kernel}, commit ${m.commit}`,
    `load average (1 min): ${result.load.before} before, ${result.load.after} after; at the start of each window: ${result.phases.map((/** @type {any} */ ph) => `${ph.name} ${ph.loadAtStart}`).join(', ')}`,
    `load: open loop from its own process, ${result.plan.rate} req/s (Gardien also at 50 req/s), ${result.plan.measureS} s per window after its warm-up; latency from each request's scheduled time; a request timed out (${result.plan.timeoutMs / 1000} s) counts as later than any answer ("timeout")`,
    `prompts: ${p.count} of ${p.minBytes}-${p.maxBytes} bytes, ${p.identifiersWritten / p.count} fictitious identifiers each (found by Gardien's PII engine: ${Object.entries(p.findingsByType).map(([t, n]) => `${t} ${n}`).join(', ')}; not found ${p.identifiersNotFound}); every answer must be 200 with the prompt echoed as sent`,
    '',
    row(['figure', 'measured', 'target', 'verdict']),
    row(['-'.repeat(24), '-'.repeat(11), '-'.repeat(12), '-------']),
    ...verdicts.map((v) => row([v.figure, `${fmt(v.value, v.unit === 'ms' ? 2 : 1)} ${v.unit}`, v.target === null ? '(info)' : `<= ${v.target} ${v.unit}`, v.pass === null ? '' : v.pass ? 'PASS' : 'FAIL <<<'])),
    '',
    'total latency per window (from schedule):',
    ...result.phases.map((/** @type {any} */ ph) => `  ${ph.name.padEnd(16)} ${pct(ph.fromSchedule)}  (${ph.rate} req/s, n=${ph.fromSchedule.count}, errors ${ph.errors}, settled ${fmt(ph.achievedRate, 1)} req/s, send lag p99 ${fmt(ph.sendLag.p99)} ms${ph.quietAfter ? `; runtime quiet ${fmt(ph.quietAfter.waitedMs / 1000, 1)} s after, ${ph.quietAfter.lateChatRequests} late calls` : ''})`),
    'per figure (direct: both windows pooled, the baseline):',
    ...Object.keys(result.paths).map((figure) => `  ${figure.padEnd(16)} ${pct(result.paths[figure].fromSchedule)}   from send: ${pct(result.paths[figure].fromSend)}`),
    'added latency = the gateway\'s percentile minus the baseline\'s at the same percentile (from schedule; from send in brackets):',
    ...Object.keys(added).map((figure) => `  ${figure.padEnd(16)} ${pct(added[figure].fromSchedule)}   (${pct(added[figure].fromSend)})`),
    'inside llm-gateway, per stage (p50 / p99 ms of the audit entries written during the window; commits are in no stage):',
    ...result.phases.filter((/** @type {any} */ ph) => ph.stages).map((/** @type {any} */ ph) => `  ${ph.name.padEnd(16)} ${ph.stages.entries} entries ${JSON.stringify(ph.stages.decisions)}: ${Object.entries(ph.stages.stages).map(([stage, st]) => `${stage} ${fmt(/** @type {Percentiles} */ (st).p50, 1)}/${fmt(/** @type {Percentiles} */ (st).p99, 1)}`).join(', ')}`),
    'CPU time per request sent (user + system, warm-up included; the runtime and the load generator apart): ' +
      result.phases.filter((/** @type {any} */ ph) => Object.keys(ph.cpuPerRequestMs ?? {}).length > 0).map((/** @type {any} */ ph) => `${ph.name}: ${Object.entries(ph.cpuPerRequestMs).map(([name, ms]) => `${name} ${fmt(/** @type {number} */ (ms), 2)} ms`).join(', ')}`).join('; '),
    'what reached the runtime (last bodies of each window): ' + result.phases.map((/** @type {any} */ ph) => `${ph.name}: ${ph.runtime.chatRequests}/${ph.runtime.sent} chat requests, ${ph.runtime.bodiesWithAnIdentifier}/${ph.runtime.bodiesSampled} with an identifier, ${ph.runtime.bodiesWithPlaceholders} with placeholders`).join('; '),
    `idle RSS after 5 s (before the load): ${result.idleMemory.services.map((/** @type {any} */ s) => `${s.service} ${fmt(s.rssMiB, 1)}`).join(', ')}, Portkey ${fmt(result.idleMemory.portkeyMiB, 1)} MiB; 5 s after the load: llm-gateway ${fmt(result.idleMemory.afterLoad.gatewayMiB, 1)}, edge-api ${fmt(result.idleMemory.afterLoad.edgeMiB, 1)}, Portkey ${fmt(result.idleMemory.afterLoad.portkeyMiB, 1)} MiB`,
  ];
  const loud = [
    ...verdicts.filter((v) => v.pass === false).map((v) => `MISSED: ${v.figure} = ${v.value.toFixed(2)} ${v.unit} (target <= ${v.target} ${v.unit})`),
    ...result.phases.filter((/** @type {any} */ ph) => ph.errors > 0).map((/** @type {any} */ ph) => `ERRORS: ${ph.errors} failed requests in "${ph.name}" ${JSON.stringify(ph.errorKinds)}; first: ${ph.errorSample}`),
    ...result.phases.filter((/** @type {any} */ ph) => ph.achievedRate < ph.rate * 0.98).map((/** @type {any} */ ph) => `RATE NOT HELD in "${ph.name}": ${ph.achievedRate.toFixed(1)} req/s`),
    ...result.phases.filter((/** @type {any} */ ph) => !ph.runtime.asExpected).map((/** @type {any} */ ph) => `RUNTIME SAW SOMETHING ELSE in "${ph.name}": ${JSON.stringify(ph.runtime)}`),
    ...(result.load.before > BUSY_LOAD ? [`BUSY MACHINE: load average ${result.load.before} before the bench started; other work skews these figures, run again when quiet`] : []),
  ];
  lines.push('', ...(loud.length > 0 ? ['!'.repeat(72), ...loud.map((l) => `!! ${l}`), '!'.repeat(72)] : ['all targets met, no request failed']));
  return { text: lines.join('\n'), verdicts };
}

/**
 * @param {URL} directory
 * @param {object} result
 * @param {object} targets
 * @param {GatewayVerdict[]} verdicts
 * @returns {Promise<string>} the file written
 */
export async function writeGatewayResult(directory, result, targets, verdicts) {
  await mkdir(directory, { recursive: true });
  const file = new URL(`gateway-${/** @type {{date: string}} */ (result).date.slice(0, 10)}.json`, directory);
  // Infinity (a request later than the timeout, and figures taken from it) has no JSON number.
  const replacer = (/** @type {string} */ _key, /** @type {unknown} */ value) => (value === Number.POSITIVE_INFINITY ? 'timeout' : value);
  await writeFile(file, `${JSON.stringify({ ...result, targets, verdicts }, replacer, 2)}\n`);
  return file.pathname;
}
