// Round trip edge -> service -> edge at a fixed request rate, against GET /api/v1/status/<service>
// (exactly one NATS request/reply behind it).
//
// The load generator runs in a child process: this process also drains the 7 services' stdout
// pipes (the edge writes one access-log line per request, ~500 lines/s, which PlatformProcesses
// splits and stores), and that work must not delay the generator's sends or its clock readings.
// Both processes still share the machine's 2 cores with the services: the figures include that.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { latencySummary } from './stats.mjs';

const GENERATOR = fileURLToPath(new URL('./load-generator.mjs', import.meta.url));

/**
 * @typedef {object} RoundTripPlan
 * @property {string} url
 * @property {number} rate       requests per second
 * @property {number} warmupS
 * @property {number} durationS
 * @property {number} timeoutMs  per request
 */

/**
 * @param {RoundTripPlan} plan
 */
export async function roundTrip(plan) {
  const result = await runGenerator(plan, (plan.warmupS + plan.durationS) * 1000 + 30_000);
  const errorCount = Object.values(result.errors).reduce((a, b) => a + b, 0);
  return {
    plan,
    fromSend: latencySummary(result.fromSend),
    fromSchedule: latencySummary(result.fromSchedule),
    sendLag: latencySummary(result.sendLag),
    errors: errorCount,
    errorKinds: result.errors,
    achievedRate: (result.fromSend.length + errorCount) / (result.measuredSpanMs / 1000),
  };
}

/**
 * @param {RoundTripPlan} plan
 * @param {number} deadlineMs  the child is killed past this
 * @returns {Promise<import('./load-generator.mjs').LoadResult>}
 */
function runGenerator(plan, deadlineMs) {
  const child = fork(GENERATOR, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`load generator still running after ${deadlineMs} ms`));
    }, deadlineMs);
    child.once('message', (result) => {
      clearTimeout(timer);
      resolve(/** @type {import('./load-generator.mjs').LoadResult} */ (result));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`load generator exited with code ${code} without a result`));
    });
    child.send(plan);
  });
}
