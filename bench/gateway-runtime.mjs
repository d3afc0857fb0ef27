// The model runtime of the gateway bench, in a process of its own (forked by gateway.mjs): the
// test ModelRuntimeServer of libs/testing (OpenAI and Ollama dialects; a non-streamed chat answers
// "Echo: " and the last user message at once). Every path the bench measures, direct or through a
// gateway, reaches this one server, so the runtime's own time is the same in each.
//
// The server records every request it receives; at 300 requests/s for minutes that is a few
// hundred MB, so the record is emptied every 200 ms, keeping only the count per path and the last
// bodies (the bench reads them to check what reached the runtime: placeholders through Gardien,
// the identifiers themselves through a plain proxy).
// IPC: sends {url, openAiBaseUrl} once listening; answers {type: 'sample'} with
// {type: 'sample', counts, bodies} (counts since the previous sample) and {type: 'stop'} by exiting.
import { ModelRuntimeServer } from '@gardien/testing';

const KEPT_BODIES = 20;
const server = new ModelRuntimeServer();
await server.start();

/** @type {Record<string, number>} */
let counts = {};
/** @type {string[]} */
let bodies = [];

const drain = () => {
  for (const request of server.requests) {
    counts[request.path] = (counts[request.path] ?? 0) + 1;
    if (request.path.endsWith('/chat/completions') || request.path === '/api/chat') bodies.push(request.rawBody);
  }
  if (bodies.length > KEPT_BODIES) bodies = bodies.slice(-KEPT_BODIES);
  server.requests.length = 0;
  server.generations.length = 0;
};
const timer = setInterval(drain, 200);

process.on('message', (message) => {
  const type = /** @type {{type?: string}} */ (message).type;
  if (type === 'sample') {
    drain();
    process.send?.({ type: 'sample', counts, bodies });
    counts = {};
    bodies = [];
  } else if (type === 'stop') {
    clearInterval(timer);
    void server.stop().finally(() => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
process.send?.({ url: server.url, openAiBaseUrl: server.openAiBaseUrl });
