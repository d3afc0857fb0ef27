// `npm run bench`, embedded runtime part (issue 12): llama.cpp in-process (node-llama-cpp) on the
// project's demo model, as the gateway creates it (threads sized to the cores, two sequences).
// For 1 and 2 concurrent requests: time to first token (from the call to the first text), and
// generation speed (completion tokens over the time from the first text to the end), per request
// and in aggregate. The demo model is tiny (64 wide, 2 layers): these figures say what the runtime
// itself costs, not what a real model would do on this machine (see the README for that).
// Prints a table, writes bench/results/embedded-<date>.json.
import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_MODEL, buildDemoModel } from '@gardien/gguf';
import { createModelRuntime, readModelRuntimeConfig } from '@gardien/llm-runtime';
import { describeMachine, loadAverage } from './machine.mjs';
import { latencySummary, median } from './stats.mjs';

const REQUESTS = Number(process.env.GARDIEN_BENCH_EMBEDDED_REQUESTS ?? 200);
const say = (/** @type {string} */ line) => process.stderr.write(`[bench] ${line}\n`);
const round = (value, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** One streamed chat: time to first text and the generation that follows, in ms. */
async function timedChat(runtime) {
  const started = performance.now();
  let first;
  let usage;
  // "a": the demo model writes the 25 letters after it, then stops.
  for await (const event of runtime.chatStream({ model: DEMO_MODEL.file, messages: [{ role: 'user', content: 'Écrivez la suite : a' }] })) {
    if (event.type === 'delta') first ??= performance.now();
    else usage = event.usage;
  }
  const ended = performance.now();
  return { ttftMs: first - started, generationMs: ended - first, totalMs: ended - started, completionTokens: usage.completionTokens };
}

async function measure(runtime, concurrency) {
  const results = [];
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < REQUESTS) {
        next += 1;
        results.push(await timedChat(runtime));
      }
    }),
  );
  const wallMs = performance.now() - started;
  const tokens = results.reduce((sum, result) => sum + result.completionTokens, 0);
  return {
    concurrency,
    requests: results.length,
    ttftMs: latencySummary(results.map((result) => round(result.ttftMs, 3))),
    perRequestTokensPerSecond: round(median(results.map((result) => (result.completionTokens / result.generationMs) * 1000)), 0),
    aggregateTokensPerSecond: round((tokens / wallMs) * 1000, 0),
    completionTokensPerRequest: median(results.map((result) => result.completionTokens)),
  };
}

async function main() {
  const date = new Date().toISOString();
  const dir = await mkdtemp(join(tmpdir(), 'gardien-bench-embedded-'));
  const bytes = buildDemoModel();
  await writeFile(join(dir, DEMO_MODEL.file), bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const loadBefore = loadAverage();
  const config = readModelRuntimeConfig({ GARDIEN_MODELS_DIR: dir, ...(process.env.GARDIEN_EMBEDDED_THREADS ? { GARDIEN_EMBEDDED_THREADS: process.env.GARDIEN_EMBEDDED_THREADS } : {}) });
  const runtime = await createModelRuntime(config, [{ name: DEMO_MODEL.file, sha256, contextLength: DEMO_MODEL.contextLength }]);
  const loadStarted = performance.now();
  await timedChat(runtime); // loads the model (and llama.cpp), warms up
  const firstCallMs = round(performance.now() - loadStarted, 1);
  say(`embedded runtime: first call (llama.cpp and the model loaded) ${firstCallMs} ms; ${REQUESTS} streamed chats at 1, then 2 at once`);
  const rows = [await measure(runtime, 1), await measure(runtime, 2)];
  await runtime.close();
  await rm(dir, { recursive: true, force: true });
  const loadAfter = loadAverage();

  process.stdout.write(`\nEmbedded runtime (llama.cpp via node-llama-cpp) on the demo model (${DEMO_MODEL.embeddingLength} wide, 2 layers, ${bytes.length} bytes)\n`);
  process.stdout.write(`${'concurrent'.padEnd(11)} ${'TTFT p50'.padEnd(10)} ${'TTFT p99'.padEnd(10)} ${'tokens/s per request'.padEnd(22)} tokens/s in all\n`);
  for (const row of rows) {
    process.stdout.write(`${String(row.concurrency).padEnd(11)} ${`${row.ttftMs.p50} ms`.padEnd(10)} ${`${row.ttftMs.p99} ms`.padEnd(10)} ${String(row.perRequestTokensPerSecond).padEnd(22)} ${row.aggregateTokensPerSecond}\n`);
  }
  process.stdout.write(`first call, loading llama.cpp and the model: ${firstCallMs} ms; load average ${loadBefore} before, ${loadAfter} after\n`);
  const results = new URL('./results/', import.meta.url);
  await mkdir(results, { recursive: true });
  const file = new URL(`embedded-${date.slice(0, 10)}.json`, results);
  await writeFile(file, `${JSON.stringify({ date, machine: describeMachine(), load: { before: loadBefore, after: loadAfter }, threads: config.GARDIEN_EMBEDDED_THREADS ?? 'available cores', firstCallMs, rows }, null, 2)}\n`);
  process.stdout.write(`result written to ${file.pathname}\n`);
}

main().catch((error) => {
  process.stderr.write(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
