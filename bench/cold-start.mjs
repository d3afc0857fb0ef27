// Full cold start, as `gardien start` does it: from running `gardien provision` (fresh nats-server,
// databases that do not exist yet, so the step creates each database and its roles, runs each
// service's migrations and creates the streams and consumers), then spawning the 7 processes, to
// the edge answering GET /health 200 with every service "up". The nats-server is started before
// the clock starts: it is infrastructure, like Postgres, not part of Gardien's start.
import { performance } from 'node:perf_hooks';
import { containsReadyLine } from '@gardien/bootstrap';
import { ALL_SERVICES } from '@gardien/contracts';

const HEALTH_DEADLINE_MS = 60_000;
const HEALTH_POLL_MS = 20;

/**
 * @typedef {object} ColdStartRun
 * @property {string} prefix
 * @property {number} healthyMs            start -> GET /health 200 with all services up (the figure)
 * @property {number} processesReadyMs     start -> every process logged its ready line
 * @property {number} provisionedMs        start -> `gardien provision` done (from the log's time)
 * @property {Record<string, number>} readyAtMs  per process: start -> its ready line (from the log's time)
 */

/**
 * Starts one fresh platform and times it. The platform stays up: the caller releases it.
 * @param {import('./environment.mjs').BenchEnvironment} environment
 * @returns {Promise<{run: ColdStartRun, platform: import('./environment.mjs').Platform}>}
 */
export async function coldStart(environment) {
  const platform = await environment.prepare();
  const wallStart = Date.now();
  const start = performance.now();
  const processes = await environment.launch(platform);
  const processesReadyMs = performance.now() - start;
  await waitUntilHealthy(processes.edgeUrl);
  const healthyMs = performance.now() - start;
  const run = { prefix: platform.prefix, healthyMs, processesReadyMs, provisionedMs: provisionedAt(processes.lines, wallStart), readyAtMs: readyTimes(processes.lines, wallStart) };
  return { run, platform };
}

/**
 * Polls GET /health until 200 with every bus service "up" (bounded by HEALTH_DEADLINE_MS).
 * @param {string} edgeUrl
 */
export async function waitUntilHealthy(edgeUrl) {
  const deadline = performance.now() + HEALTH_DEADLINE_MS;
  let last = 'no answer';
  while (performance.now() < deadline) {
    try {
      const response = await fetch(`${edgeUrl}/health`, { signal: AbortSignal.timeout(2_000) });
      const body = /** @type {{status?: string, services?: Record<string, string>}} */ (await response.json());
      const services = Object.values(body.services ?? {});
      if (response.status === 200 && services.length === ALL_SERVICES.length - 1 && services.every((s) => s === 'up')) return;
      last = `${response.status} ${JSON.stringify(body)}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, HEALTH_POLL_MS));
  }
  throw new Error(`edge not healthy after ${HEALTH_DEADLINE_MS} ms; last answer: ${last}`);
}

/**
 * When `gardien provision` logged that it was done, relative to the start.
 * @param {readonly {process: string, line: string}[]} lines
 * @param {number} wallStart
 */
function provisionedAt(lines, wallStart) {
  const done = lines.find(({ process: name, line }) => name === 'provision' && line.includes('"msg":"provisioning done"'));
  return done ? Date.parse(JSON.parse(done.line).time) - wallStart : Number.NaN;
}

/**
 * When each process logged its ready line, relative to the spawn (pino's ISO `time`, ms precision).
 * @param {readonly {process: string, line: string}[]} lines
 * @param {number} wallStart  Date.now() at spawn
 * @returns {Record<string, number>}
 */
function readyTimes(lines, wallStart) {
  /** @type {Record<string, number>} */
  const readyAt = {};
  for (const { process: name, line } of lines) {
    if (!containsReadyLine(line)) continue;
    const time = Date.parse(/** @type {{time?: string}} */ (JSON.parse(line)).time ?? '');
    if (Number.isFinite(time)) readyAt[name] = time - wallStart;
  }
  return readyAt;
}
