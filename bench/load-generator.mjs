// Open-loop HTTP load generator, run as a child process by round-trip.mjs (fork + IPC).
//
// Request i is due at start + i / rate, whatever happened to earlier requests: sends never wait
// for responses, so a slow response cannot delay (and hide) the requests behind it (no coordinated
// omission). The keep-alive agent has room for many sockets so requests never queue inside it.
//
// Two latencies are kept per request:
// - fromSend: response end - the moment http.request() was called (the round trip itself);
// - fromSchedule: response end - the time the request was due. It adds the generator's own lag
//   (node timers fire 0-2 ms late) and is the coordinated-omission-free figure.
// Input (one IPC message): {url, rate, warmupS, durationS, timeoutMs}.
// Output (one IPC message): {fromSend, fromSchedule, sendLag, errors, sent, measuredSpanMs}.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const DRAIN_DEADLINE_MS = 5_000;

/**
 * @typedef {{url: string, rate: number, warmupS: number, durationS: number, timeoutMs: number}} LoadPlan
 * @typedef {{fromSend: number[], fromSchedule: number[], sendLag: number[], errors: Record<string, number>, sent: number, measuredSpanMs: number}} LoadResult
 */

/**
 * @param {LoadPlan} plan
 * @returns {Promise<LoadResult>}
 */
function runLoad(plan) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  const intervalMs = 1000 / plan.rate;
  const warmupCount = Math.round(plan.warmupS * plan.rate);
  const total = warmupCount + Math.round(plan.durationS * plan.rate);
  const measured = total - warmupCount;
  const fromSend = new Float64Array(measured).fill(Number.NaN);
  const fromSchedule = new Float64Array(measured).fill(Number.NaN);
  const sendLag = new Float64Array(measured);
  /** @type {Record<string, number>} */
  const errors = {};
  let next = 0;
  let outstanding = 0;
  const origin = performance.now() + 20;

  /** @param {string} kind */
  const fail = (kind) => {
    errors[kind] = (errors[kind] ?? 0) + 1;
  };

  /** @param {number} i */
  const send = (i) => {
    const due = origin + i * intervalMs;
    const sentAt = performance.now();
    const slot = i - warmupCount;
    if (slot >= 0) sendLag[slot] = sentAt - due;
    outstanding++;
    let settled = false;
    /** @param {string | null} error */
    const settle = (error) => {
      if (settled) return;
      settled = true;
      outstanding--;
      const end = performance.now();
      if (slot < 0) return; // warm-up
      if (error) return fail(error);
      fromSend[slot] = end - sentAt;
      fromSchedule[slot] = end - due;
    };
    const request = http.get(plan.url, { agent, timeout: plan.timeoutMs }, (response) => {
      response.resume();
      response.once('end', () => settle(response.statusCode === 200 ? null : `http ${response.statusCode}`));
      response.once('error', (error) => settle(`response ${error.message}`));
    });
    request.once('timeout', () => request.destroy(new Error('timeout')));
    request.once('error', (error) => settle(error.message === 'timeout' ? 'timeout' : `request ${error.message}`));
  };

  return new Promise((resolve) => {
    const finish = () => {
      agent.destroy();
      const keep = (/** @type {Float64Array} */ a) => Array.from(a).filter((v) => !Number.isNaN(v));
      const measuredSpanMs = (total - warmupCount) * intervalMs;
      if (outstanding > 0) errors['no answer before drain deadline'] = outstanding;
      resolve({ fromSend: keep(fromSend), fromSchedule: keep(fromSchedule), sendLag: Array.from(sendLag), errors, sent: next, measuredSpanMs });
    };
    const drain = (/** @type {number} */ deadline) => {
      if (outstanding === 0 || performance.now() > deadline) return finish();
      setTimeout(() => drain(deadline), 10);
    };
    const tick = () => {
      const now = performance.now();
      while (next < total && origin + next * intervalMs <= now) send(next++);
      if (next < total) setTimeout(tick, Math.max(0, origin + next * intervalMs - performance.now()));
      else drain(performance.now() + DRAIN_DEADLINE_MS);
    };
    setTimeout(tick, 0);
  });
}

process.once('message', (plan) => {
  runLoad(/** @type {LoadPlan} */ (plan)).then(
    (result) => process.send?.(result, () => process.exit(0)),
    (error) => {
      process.stderr.write(`load generator failed: ${String(error)}\n`);
      process.exit(1);
    },
  );
});
