// `npm run bench`: the foundation figures of issue 2 ("Must show" 7), measured on this machine.
//   1. full cold start, 3 times (fresh nats-server and fresh databases each time): min and median;
//   2. idle RSS of each of the 7 processes, after 5 s idle (on the platform of the last cold start);
//   3. edge -> service -> edge round trip at a fixed 500 req/s, open loop, 20 s after a 30 s warm-up
//      (JIT, connection pools and the first major collections of freshly started processes settle:
//      measured right after a 10 s warm-up, p99 was 11-12 ms; in the two windows after it, 2.5-3.5 ms)
// Prints a table, writes bench/results/foundation-<date>.json, and exits 0 even when a target is
// missed (it is a report; misses are printed loudly). Exits 1 only when the bench itself failed.
// Everything it starts is stopped and every test database dropped, also on error and on Ctrl-C.
import { BenchEnvironment } from './environment.mjs';
import { coldStart } from './cold-start.mjs';
import { idleMemory } from './idle-rss.mjs';
import { roundTrip } from './round-trip.mjs';
import { describeMachine, loadAverage } from './machine.mjs';
import { median } from './stats.mjs';
import { misses, renderTable, verdicts, writeResult } from './report.mjs';

const COLD_START_RUNS = 3;
const IDLE_MS = 5_000;
const ROUND_TRIP = { service: 'tenant', rate: 500, warmupS: 30, durationS: 20, timeoutMs: 2_000 };
const RESULTS_DIR = new URL('./results/', import.meta.url);

const say = (/** @type {string} */ line) => process.stderr.write(`[bench] ${line}\n`);

/** @param {BenchEnvironment} environment */
async function measure(environment) {
  /** @type {import('./cold-start.mjs').ColdStartRun[]} */
  const runs = [];
  /** @type {import('./environment.mjs').Platform | undefined} */
  let platform;
  for (let i = 1; i <= COLD_START_RUNS; i++) {
    say(`cold start ${i}/${COLD_START_RUNS}`);
    const started = await coldStart(environment);
    runs.push(started.run);
    say(`  healthy after ${(started.run.healthyMs / 1000).toFixed(2)} s`);
    if (i < COLD_START_RUNS) await environment.release(started.platform);
    else platform = started.platform;
  }
  const processes = platform?.processes;
  if (!processes) throw new Error('no platform left running after the cold starts');

  say(`idle ${IDLE_MS / 1000} s, then reading RSS`);
  const memory = await idleMemory(processes, IDLE_MS);

  say(`round trip: ${ROUND_TRIP.rate} req/s for ${ROUND_TRIP.warmupS} s warm-up + ${ROUND_TRIP.durationS} s`);
  const { service, ...plan } = ROUND_TRIP;
  const trip = await roundTrip({ url: `${processes.edgeUrl}/api/v1/status/${service}`, ...plan });

  const healthy = runs.map((r) => r.healthyMs / 1000);
  return { coldStart: { runs, minS: Math.min(...healthy), medianS: median(healthy) }, idleMemory: memory, roundTrip: trip };
}

async function main() {
  const environment = new BenchEnvironment();
  environment.disposeOnSignals();
  const date = new Date().toISOString();
  const machine = describeMachine();
  const loadBefore = loadAverage();
  let measured;
  try {
    measured = await measure(environment);
  } finally {
    say('cleaning up (processes, nats-servers, test databases)');
    await environment.dispose();
  }
  const result = { date, machine, load: { before: loadBefore, after: loadAverage() }, ...measured };
  const judged = verdicts(result);
  process.stdout.write(`\n${renderTable(result, judged)}\n\n`);
  const missed = misses(result, judged);
  if (missed.length > 0) process.stdout.write(`${'!'.repeat(72)}\n${missed.map((m) => `!! ${m}`).join('\n')}\n${'!'.repeat(72)}\n\n`);
  else process.stdout.write('all targets met\n\n');
  process.stdout.write(`result written to ${await writeResult(RESULTS_DIR, result, judged)}\n`);
}

main().catch((error) => {
  process.stderr.write(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
