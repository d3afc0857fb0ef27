// A hostile client, run as a child process by hostile-load.mjs (fork + IPC), so that its sends and
// reads never share an event loop with the /health prober.
//
// It sends the hostile documents back to back (one in flight, the next as soon as the answer has
// ended) over one keep-alive connection when the edge keeps it open, GraphQL and JSON alternating,
// and counts every answer by document and status, with the time from send to the answer's end
// and whether the edge closed the connection after it.
// Input (IPC): {edgeUrl, rounds?, only?} to start (`only`: the names of the documents to send); then 'stop' (without `rounds`, it loops until told).
//   With `rounds`, it sends each document that many times, one after another, and stops: the
//   refusal time of each document alone.
// Output (IPC): {started: true} after its first answer, then the HostileResult when stopped.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { alternating, hostileDocuments } from './hostile-documents.mjs';

const TIMEOUT_MS = 10_000;

/**
 * @typedef {{name: string, path: string, expect: number, sent: number, statuses: Record<string, number>, closed: number, errors: Record<string, number>, bytesAnswered: number, durationsMs: number[]}} DocumentTally
 * @typedef {{documents: DocumentTally[], connections: number, spanMs: number}} HostileResult
 */

/** @param {{edgeUrl: string, rounds?: number, only?: string[]}} plan */
async function run(plan) {
  const documents = hostileDocuments().filter((d) => plan.only === undefined || plan.only.includes(d.name));
  const order = plan.rounds === undefined ? alternating(documents) : documents.flatMap((d) => Array.from({ length: plan.rounds ?? 0 }, () => d));
  /** @type {Map<string, DocumentTally>} */
  const tallies = new Map(documents.map((d) => [d.name, { name: d.name, path: d.path, expect: d.expect, sent: 0, statuses: {}, closed: 0, errors: {}, bytesAnswered: 0, durationsMs: [] }]));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const sockets = new WeakSet();
  let connections = 0;
  let stopping = false;
  let startedSaid = false;
  process.on('message', (message) => {
    if (message === 'stop') stopping = true;
  });
  const startedAt = performance.now();
  for (let i = 0; !stopping && (plan.rounds === undefined || i < order.length); i++) {
    const document = order[i % order.length];
    const tally = /** @type {DocumentTally} */ (tallies.get(document.name));
    tally.sent++;
    const sentAt = performance.now();
    const outcome = await send(agent, plan.edgeUrl, document, (socket) => {
      if (sockets.has(socket)) return;
      sockets.add(socket);
      connections++;
    });
    if ('error' in outcome) {
      tally.errors[outcome.error] = (tally.errors[outcome.error] ?? 0) + 1;
    } else {
      tally.statuses[outcome.status] = (tally.statuses[outcome.status] ?? 0) + 1;
      tally.bytesAnswered += outcome.bytes;
      if (outcome.closed) tally.closed++;
      tally.durationsMs.push(performance.now() - sentAt);
    }
    if (!startedSaid) {
      startedSaid = true;
      process.send?.({ started: true });
    }
  }
  agent.destroy();
  return { documents: [...tallies.values()], connections, spanMs: performance.now() - startedAt };
}

/**
 * @param {http.Agent} agent
 * @param {string} edgeUrl
 * @param {import('./hostile-documents.mjs').HostileDocument} document
 * @param {(socket: import('node:net').Socket) => void} onSocket
 * @returns {Promise<{status: number, bytes: number, closed: boolean} | {error: string}>}
 */
function send(agent, edgeUrl, document, onSocket) {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (/** @type {{status: number, bytes: number, closed: boolean} | {error: string}} */ outcome) => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    const request = http.request(
      `${edgeUrl}${document.path}`,
      {
        method: 'POST',
        agent,
        timeout: TIMEOUT_MS,
        // graphql-response+json: a document refused before it runs is a 400 (GraphQL over HTTP), not a 200 with errors.
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', 'content-length': document.body.length },
      },
      (response) => {
        let bytes = 0;
        response.on('data', (chunk) => (bytes += chunk.length));
        response.once('end', () => settle({ status: response.statusCode ?? 0, bytes, closed: response.headers.connection === 'close' }));
        response.once('error', (error) => settle({ error: `response ${error.message}` }));
      },
    );
    request.once('socket', onSocket);
    request.once('timeout', () => request.destroy(new Error('timeout')));
    // The edge may answer (413) and close before the whole body is written: the answer counts, not the write.
    request.once('error', (error) => settle({ error: error.message === 'timeout' ? 'timeout' : /** @type {NodeJS.ErrnoException} */ (error).code ?? error.message }));
    request.end(document.body);
  });
}

process.once('message', (plan) => {
  run(/** @type {{edgeUrl: string, rounds?: number, only?: string[]}} */ (plan)).then(
    (result) => process.send?.(result, () => process.exit(0)),
    (error) => {
      process.stderr.write(`hostile client failed: ${String(error)}\n`);
      process.exit(1);
    },
  );
});
