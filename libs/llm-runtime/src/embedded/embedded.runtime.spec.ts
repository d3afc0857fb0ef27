// The embedded runtime for real: llama.cpp (node-llama-cpp's prebuilt CPU binary) on the project's
// own demo model, written into a temporary models directory. The demo model continues the alphabet
// (and the digits) from the last character it was given, which makes answers assertable.
import { createHash } from 'node:crypto';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEMO_MODEL, buildDemoModel } from '@gardien/gguf';
import { LlmRuntimeErrorCode } from '../llm-runtime.errors.js';
import type { ChatRequest, ChatStreamEvent } from '../model-runtime.port.js';
import { EmbeddedRuntime, type EmbeddedModelSpec, type EmbeddedRuntimeOptions } from './embedded.runtime.js';

const demo = buildDemoModel();
const DEMO_SHA256 = createHash('sha256').update(demo).digest('hex');
const spec = (name: string, extra: Partial<EmbeddedModelSpec> = {}): EmbeddedModelSpec => ({ name, sha256: DEMO_SHA256, contextLength: DEMO_MODEL.contextLength, ...extra });
const ask = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: DEMO_MODEL.file, messages: [{ role: 'user', content }], ...extra });

describe('EmbeddedRuntime on the demo model', () => {
  let dir: string;
  const runtimes: EmbeddedRuntime[] = [];
  const runtime = (models: EmbeddedModelSpec[] = [spec(DEMO_MODEL.file)], options: Partial<EmbeddedRuntimeOptions> = {}) => {
    const made = new EmbeddedRuntime({ modelsDir: dir, models, threads: 1, sequences: 2, maxWaiting: 8, timeouts: { queueMs: 5_000, totalMs: 20_000 }, ...options });
    runtimes.push(made);
    return made;
  };
  const collect = async (events: AsyncIterable<ChatStreamEvent>) => {
    const seen: ChatStreamEvent[] = [];
    for await (const event of events) seen.push(event);
    return seen;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gardien-embedded-'));
    await writeFile(join(dir, DEMO_MODEL.file), demo);
    await writeFile(join(dir, 'copy.gguf'), demo);
    await writeFile(join(dir, 'truncated.gguf'), demo.subarray(0, demo.length - 1000));
    await writeFile(join(dir, 'not-gguf.gguf'), Buffer.from('{"weights": "not really"}'));
    await writeFile(join(tmpdir(), 'gardien-outside.gguf'), demo);
    await symlink(join(tmpdir(), 'gardien-outside.gguf'), join(dir, 'escape.gguf'));
  });
  afterAll(async () => {
    for (const made of runtimes) await made.close();
    await rm(dir, { recursive: true, force: true });
    await rm(join(tmpdir(), 'gardien-outside.gguf'), { force: true });
  });

  it('answers a chat with the file’s own chat template: the letters after the last one it was given, then stop', async () => {
    const result = await runtime().chat(ask('Bonjour abc'));
    expect(result.content).toBe('defghijklmnopqrstuvwxyz');
    expect(result.finishReason).toBe('stop');
    expect(result.usage.promptTokens).toBeGreaterThan(5);
    // 23 letters, then the end-of-generation token
    expect(result.usage.completionTokens).toBe(24);
  });

  it('streams the same answer in deltas, then one end with the same usage', async () => {
    const made = runtime();
    const whole = await made.chat(ask('Bonjour abc'));
    const events = await collect(made.chatStream(ask('Bonjour abc')));
    const deltas = events.filter((event) => event.type === 'delta');
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.map((event) => event.content).join('')).toBe(whole.content);
    expect(events.at(-1)).toEqual({ type: 'end', usage: whole.usage, finishReason: 'stop' });
    expect(events.filter((event) => event.type === 'end')).toHaveLength(1);
  });

  it('stops at maxTokens and at a stop sequence, and says which', async () => {
    const made = runtime();
    await expect(made.chat(ask('abc', { maxTokens: 3 }))).resolves.toEqual({ content: 'def', usage: { promptTokens: expect.any(Number), completionTokens: 3 }, finishReason: 'length' });
    const stopped = await made.chat(ask('abc', { stop: ['ghi'] }));
    expect(stopped.content).toBe('def');
    expect(stopped.finishReason).toBe('stop');
  });

  it('answers the same at temperature 1: the next character wins by a wide margin', async () => {
    const made = runtime();
    for (let attempt = 0; attempt < 3; attempt += 1) expect((await made.chat(ask('1', { temperature: 1, topP: 1 }))).content).toBe('23456789');
  });

  it('uses the catalogue’s chat template instead of the file’s', async () => {
    // An answer opens with "7": the demo model then writes the digits after it.
    const template = "{% for message in messages %}{% if message['role'] == 'assistant' %}7{% endif %}{{ message['content'] }}{% endfor %}{% if add_generation_prompt %}7{% endif %}";
    const result = await runtime([spec(DEMO_MODEL.file, { chatTemplate: template })]).chat(ask('abc'));
    expect(result.content).toBe('89');
  });

  it('embeds: one vector per input, deterministic, closer for texts that share their letters', async () => {
    const made = runtime();
    const { vectors, promptTokens } = await made.embed({ model: DEMO_MODEL.file, inputs: ['camille martin', 'martin camille', '0612345678'] });
    expect(vectors).toHaveLength(3);
    expect(vectors[0]).toHaveLength(DEMO_MODEL.embeddingLength);
    const cosine = (a: number[], b: number[]) => a.reduce((sum, value, index) => sum + value * b[index]!, 0) / (Math.hypot(...a) * Math.hypot(...b));
    expect(cosine(vectors[0]!, vectors[1]!)).toBeGreaterThan(cosine(vectors[0]!, vectors[2]!) + 0.2);
    expect(promptTokens).toBeGreaterThan(0);
    expect((await made.embed({ model: DEMO_MODEL.file, inputs: ['camille martin'] })).vectors[0]).toEqual(vectors[0]);
  });

  it('refuses a prompt, or an input to embed, longer than the context, without generating', async () => {
    const made = runtime();
    const long = 'a '.repeat(DEMO_MODEL.contextLength);
    await expect(made.chat(ask(long))).rejects.toMatchObject({ code: LlmRuntimeErrorCode.ContextExceeded });
    await expect(made.embed({ model: DEMO_MODEL.file, inputs: ['court', long] })).rejects.toMatchObject({ code: LlmRuntimeErrorCode.ContextExceeded });
    await expect(made.chat(ask('abc'))).resolves.toMatchObject({ content: 'defghijklmnopqrstuvwxyz' });
  });

  it('lists the catalogue’s files with their digest, and names what is wrong with the others', async () => {
    const made = runtime([spec(DEMO_MODEL.file), spec('missing.gguf'), spec('truncated.gguf'), spec('not-gguf.gguf'), spec('escape.gguf'), spec('../copy.gguf'), spec('/etc/passwd')]);
    const listed = new Map((await made.listModels()).map((model) => [model.name, model]));
    expect(listed.get(DEMO_MODEL.file)).toEqual({ name: DEMO_MODEL.file, digest: DEMO_SHA256 });
    expect(listed.get('missing.gguf')?.refused?.problem).toBe('missing');
    expect(listed.get('truncated.gguf')?.refused?.problem).toBe('truncated');
    expect(listed.get('not-gguf.gguf')?.refused?.problem).toBe('not_gguf');
    expect(listed.get('escape.gguf')?.refused?.problem).toBe('outside_models_dir');
    expect(listed.get('../copy.gguf')?.refused?.problem).toBe('outside_models_dir');
    expect(listed.get('/etc/passwd')?.refused?.problem).toBe('outside_models_dir');
    for (const model of listed.values()) if (model.refused) expect(model.digest).toBeUndefined();
  });

  it('refuses to load a file whose sha256 is not the catalogue’s, still serving the others', async () => {
    const made = runtime([spec('copy.gguf', { sha256: 'f'.repeat(64) }), spec(DEMO_MODEL.file)]);
    await expect(made.chat({ ...ask('abc'), model: 'copy.gguf' })).rejects.toMatchObject({ code: LlmRuntimeErrorCode.ModelNotFound });
    await expect(made.chat(ask('abc'))).resolves.toMatchObject({ content: 'defghijklmnopqrstuvwxyz' });
    await expect(made.chat({ ...ask('abc'), model: 'not-in-the-catalogue.gguf' })).rejects.toMatchObject({ code: LlmRuntimeErrorCode.ModelNotFound });
    await expect(made.chat({ ...ask('abc'), model: 'truncated.gguf' })).rejects.toMatchObject({ code: LlmRuntimeErrorCode.ModelNotFound });
  });

  it('cancels: an aborted call is refused as cancelled, and a stream left early gives its sequence back', async () => {
    const made = runtime([spec(DEMO_MODEL.file)], { sequences: 1, maxWaiting: 0 });
    await expect(made.chat(ask('abc'), AbortSignal.abort())).rejects.toMatchObject({ code: LlmRuntimeErrorCode.Cancelled });
    for await (const event of made.chatStream(ask('abc'))) {
      expect(event.type).toBe('delta');
      break;
    }
    // One sequence and no queue: this would be refused if the stream left early had kept it.
    await expect(made.chat(ask('abc'))).resolves.toMatchObject({ content: 'defghijklmnopqrstuvwxyz' });
  });

  it('queues calls beyond its sequences, and refuses those beyond its queue', async () => {
    const queued = runtime([spec(DEMO_MODEL.file)], { sequences: 1, maxWaiting: 4 });
    const answers = await Promise.all(['abc', 'uvw', '3'].map((content) => queued.chat(ask(content))));
    expect(answers.map((answer) => answer.content)).toEqual(['defghijklmnopqrstuvwxyz', 'xyz', '456789']);

    const full = runtime([spec(DEMO_MODEL.file)], { sequences: 1, maxWaiting: 0 });
    await full.chat(ask('abc'));
    const outcomes = await Promise.allSettled([full.chat(ask('abc')), full.chat(ask('abc'))]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(outcomes.find((outcome) => outcome.status === 'rejected')).toMatchObject({ reason: { code: LlmRuntimeErrorCode.RuntimeUnavailable } });
  });

  it('keeps no history between calls: each answer depends on its own prompt alone', async () => {
    const made = runtime([spec(DEMO_MODEL.file)], { sequences: 1 });
    expect((await made.chat(ask('wx'))).content).toBe('yz');
    expect((await made.chat(ask('wx'))).content).toBe('yz');
    expect((await made.chat({ ...ask('wx'), messages: [{ role: 'system', content: 'Sois bref.' }, { role: 'user', content: 'wx' }] })).content).toBe('yz');
  });

  it('refuses every call once closed', async () => {
    const made = runtime();
    await made.chat(ask('abc'));
    await made.close();
    await expect(made.chat(ask('abc'))).rejects.toMatchObject({ code: LlmRuntimeErrorCode.RuntimeUnavailable });
    await expect(made.listModels()).rejects.toMatchObject({ code: LlmRuntimeErrorCode.RuntimeUnavailable });
  });
});
