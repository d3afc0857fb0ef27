// Run by embedded-offline.e2e-spec.ts inside a network namespace with no interface up, under
// strace: loads the demo model with the embedded runtime as the gateway creates it, chats (once
// and streamed) and embeds, then prints what it got as one JSON line. Any attempt to reach the
// network would show in strace's log as an AF_INET or AF_INET6 socket, and fail here.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_MODEL, buildDemoModel } from '@gardien/gguf';
import { createModelRuntime, readModelRuntimeConfig } from '@gardien/llm-runtime';

const [dir] = process.argv.slice(2);
const bytes = buildDemoModel();
writeFileSync(join(dir, DEMO_MODEL.file), bytes);
const sha256 = createHash('sha256').update(bytes).digest('hex');
const runtime = await createModelRuntime(readModelRuntimeConfig({ GARDIEN_MODELS_DIR: dir }), [{ name: DEMO_MODEL.file, sha256, contextLength: DEMO_MODEL.contextLength }]);
const request = { model: DEMO_MODEL.file, messages: [{ role: 'user', content: 'Bonjour abc' }] };
const listed = await runtime.listModels();
const chat = await runtime.chat(request);
let streamed = '';
for await (const event of runtime.chatStream(request)) if (event.type === 'delta') streamed += event.content;
const embedded = await runtime.embed({ model: DEMO_MODEL.file, inputs: ['camille martin'] });
await runtime.close();
process.stdout.write(`${JSON.stringify({ kind: runtime.kind, listed, chat, streamed, dims: embedded.vectors[0].length })}\n`);
