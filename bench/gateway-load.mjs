// Open-loop load of OpenAI-style chat completions, run as a child process by gateway.mjs (fork +
// IPC), so that neither the bench's own work (draining the services' log pipes) nor the servers
// share its event loop.
//
// Request i is due at origin + i / rate, whatever happened to the requests before it: a send never
// waits for an answer, so a slow answer cannot delay, and so hide, the requests behind it (no
// coordinated omission). Latency is taken from the time a request was due to the end of its
// answer (`fromSchedule`, the figure reported: it includes the generator's own lateness, node
// timers firing 0-2 ms late) and, for information, from the moment it was handed to http.request
// (`fromSend`). A request of the measured window that timed out, or had no answer when the
// generator stopped, counts as later than any answer (Infinity): leaving it out would make a
// saturated server look fast. Request i sends body i mod n; its answer must be 200 with the expected text as the
// first choice's content (the runtime echoes the prompt), otherwise it is counted as an error by kind.
// Input (one IPC message): {url, headers, bodies, expected, rate, warmupS, durationS, timeoutMs}.
// Output (one IPC message): {fromSend, fromSchedule, sendLag, errors, errorSample, measuredErrors, sent, answered, measuredSpanMs}.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const DRAIN_DEADLINE_MS = 5_000;

/**
 * @typedef {{url: string, headers: Record<string, string>, bodies: string[], expected: string[], rate: number, warmupS: number, durationS: number, timeoutMs: number}} ChatLoadPlan
 * @typedef {{fromSend: number[], fromSchedule: number[], sendLag: number[], errors: Record<string, number>, errorSample: string | null, measuredErrors: number, sent: number, answered: number, measuredSpanMs: number}} ChatLoadResult
 */

/**
 * @param {ChatLoadPlan} plan
 * @returns {Promise<ChatLoadResult>}
 */
function runLoad(plan) {
  // Idle sockets are closed after 4 s, before the servers' own 5 s keep-alive timeout (node's and
  // Hono's default): a socket the server closes just as a request is written to it resets.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1024, timeout: 4_000 });
  const target = new URL(plan.url);
  const payloads = plan.bodies.map((body) => Buffer.from(body, 'utf8'));
  const intervalMs = 1000 / plan.rate;
  const warmupCount = Math.round(plan.warmupS * plan.rate);
  const measured = Math.round(plan.durationS * plan.rate);
  const total = warmupCount + measured;
  const unset = () => new Float64Array(measured).fill(Number.NaN); // NaN: no answer (failed), left out
  const [fromSend, fromSchedule, sendLag] = [unset(), unset(), new Float64Array(measured)];
  /** @type {Record<string, number>} */
  const errors = {};
  /** @type {string | null} */
  let errorSample = null;
  let next = 0;
  let outstanding = 0;
  let answered = 0;
  let measuredErrors = 0;
  /** @type {Set<number>} */
  const unanswered = new Set();
  const origin = performance.now() + 20;

  /** @param {number} i */
  const send = (i) => {
    const due = origin + i * intervalMs;
    const sentAt = performance.now();
    const slot = i - warmupCount;
    if (slot >= 0) sendLag[slot] = sentAt - due;
    const payload = payloads[i % payloads.length];
    const expected = plan.expected[i % plan.expected.length];
    outstanding++;
    if (slot >= 0) unanswered.add(slot);
    let settled = false;
    /** @param {string | null} error @param {string} [detail] */
    const settle = (error, detail) => {
      if (settled) return;
      settled = true;
      outstanding--;
      unanswered.delete(slot);
      const end = performance.now();
      if (!error) answered++;
      if (error) {
        errors[error] = (errors[error] ?? 0) + 1; // warm-up errors count too: a run with errors is reported as such
        if (slot >= 0) measuredErrors++;
        if (slot >= 0 && error === 'timeout') fromSend[slot] = fromSchedule[slot] = Number.POSITIVE_INFINITY;
        if (errorSample === null) errorSample = `${error}: ${(detail ?? '').slice(0, 300)}`;
        return;
      }
      if (slot < 0) return;
      fromSend[slot] = end - sentAt;
      fromSchedule[slot] = end - due;
    };
    const request = http.request(
      { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, timeout: plan.timeoutMs, headers: { ...plan.headers, 'content-type': 'application/json', 'content-length': payload.length } },
      (response) => {
        /** @type {Buffer[]} */
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.once('error', (error) => settle(`response ${error.message}`));
        response.once('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (response.statusCode !== 200) return settle(`http ${response.statusCode}`, text);
          settle(contentOf(text) === expected ? null : 'wrong answer', text);
        });
      },
    );
    request.once('timeout', () => request.destroy(new Error('timeout')));
    request.once('error', (error) => settle(error.message === 'timeout' ? 'timeout' : `request ${error.message}`));
    request.end(payload);
  };

  return (async () => {
    // The timetable: sleep until the next request is due, then send every request due by now.
    for (let i = 0; i < total; ) {
      const wait = origin + i * intervalMs - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const now = performance.now();
      while (i < total && origin + i * intervalMs <= now) send(i++);
      next = i;
    }
    const deadline = performance.now() + DRAIN_DEADLINE_MS;
    while (outstanding > 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    agent.destroy();
    if (outstanding > 0) errors['no answer before drain deadline'] = outstanding;
    // Still unanswered: later than any timeout, as a timed-out request is.
    for (const slot of unanswered) fromSend[slot] = fromSchedule[slot] = Number.POSITIVE_INFINITY;
    const settledOnly = (/** @type {Float64Array} */ values) => Array.from(values).filter((v) => !Number.isNaN(v));
    return { fromSend: settledOnly(fromSend), fromSchedule: settledOnly(fromSchedule), sendLag: Array.from(sendLag), errors, errorSample, measuredErrors, sent: next, answered, measuredSpanMs: measured * intervalMs };
  })();
}

/** The first choice's message content of an OpenAI chat completion, or undefined. */
function contentOf(/** @type {string} */ text) {
  try {
    const body = JSON.parse(text);
    const content = body?.choices?.[0]?.message?.content;
    return typeof content === 'string' ? content : undefined;
  } catch {
    return undefined;
  }
}

process.once('message', (plan) => {
  runLoad(/** @type {ChatLoadPlan} */ (plan)).then(
    (result) => process.send?.(result, () => process.exit(0)),
    (error) => {
      process.stderr.write(`gateway load generator failed: ${String(error)}\n`);
      process.exit(1);
    },
  );
});
