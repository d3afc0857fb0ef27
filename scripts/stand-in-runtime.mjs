// `npm run stand-in-runtime`: a model runtime to try the gateway with, where no Ollama or vLLM
// runs. It is the test suite's ModelRuntimeServer (libs/testing), not a model: it speaks Ollama's
// and OpenAI's dialects, lists one model (`gardien-test:latest`, with its digest), and answers a
// chat with "Echo: " and the last user message, word by word when streamed; embeddings are
// hashes of the text. What it echoes is what the gateway sent it: placeholders, never the
// identifiers of the prompt.
//
// It writes a model catalogue for it (.gardien/stand-in-models.json, the model `assistant`) and
// prints the three variables to export before `npm start`. With --show, it prints everything a
// chat or an embedding brings it (every message, the stop sequences, the inputs), so that you can
// see what reached the "model".
// Stop it with Ctrl-C.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SERVED_MODEL, ModelRuntimeServer } from '@gardien/testing';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.env.GARDIEN_STAND_IN_PORT ?? 11435);
const show = process.argv.includes('--show');
const say = (line) => process.stderr.write(`[stand-in runtime] ${line}\n`);

const server = new ModelRuntimeServer();
const url = await server.start(port);

const catalogue = join(root, '.gardien', 'stand-in-models.json');
mkdirSync(dirname(catalogue), { recursive: true });
const model = {
  id: 'assistant',
  runtime: 'ollama',
  name: DEFAULT_SERVED_MODEL.name,
  sha256: DEFAULT_SERVED_MODEL.digest,
  capabilities: ['chat', 'embeddings'],
  context_length: 8192,
  description: 'Stand-in runtime (echo), for trying Gardien: not a language model',
};
writeFileSync(catalogue, `${JSON.stringify({ models: [model] }, null, 2)}\n`);

say(`listening on ${url} (Ollama dialect; ${url}/v1 for the OpenAI one)`);
say(`catalogue written: ${catalogue} (model "assistant")`);
process.stdout.write(`export GARDIEN_LLM_RUNTIME=ollama GARDIEN_OLLAMA_URL=${url} GARDIEN_MODELS_FILE=${catalogue}\n`);

// The server records every request (the tests read them): keep none, but show the chats if asked.
setInterval(() => {
  for (const request of server.requests.splice(0)) {
    if (!show) continue;
    const body = /** @type {{messages?: Array<{role: string, content: string}>, input?: unknown, stop?: unknown, options?: {stop?: unknown}}} */ (JSON.parse(request.rawBody || '{}'));
    if (request.path === '/api/chat' || request.path.endsWith('/chat/completions')) {
      for (const message of body.messages ?? []) say(`chat received, ${message.role}: ${JSON.stringify(message.content)}`);
      const stop = body.stop ?? body.options?.stop;
      if (stop !== undefined) say(`chat received, stop: ${JSON.stringify(stop)}`);
    } else if (request.path === '/api/embed' || request.path.endsWith('/embeddings')) {
      say(`embeddings received: ${JSON.stringify(body.input)}`);
    }
  }
  server.generations.length = 0;
}, 200).unref();

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    void server.stop().then(() => process.exit(0));
  });
}
