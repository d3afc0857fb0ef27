// What OllamaRuntime sends and how it reads Ollama's own answers, beyond the contract
// (model-runtime.contract.spec.ts): the documented request bodies, and answers as Ollama writes them.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DEFAULT_SERVED_MODEL, ModelRuntimeServer } from '@gardien/testing';
import { CircuitBreaker } from './circuit-breaker.js';
import { LlmRuntimeErrorCode } from './llm-runtime.errors.js';
import { OllamaRuntime } from './ollama.runtime.js';

const MODEL = DEFAULT_SERVED_MODEL.name;

describe('OllamaRuntime on the wire', () => {
  let server: ModelRuntimeServer;
  let runtime: OllamaRuntime;

  beforeEach(async () => {
    server = new ModelRuntimeServer();
    runtime = new OllamaRuntime({
      baseUrl: await server.start(),
      timeouts: { connectMs: 1_000, firstByteMs: 2_000, stallMs: 1_000, totalMs: 5_000 },
      retries: 0,
      breaker: new CircuitBreaker({ failureThreshold: 5, openMs: 1_000 }),
    });
  });
  afterEach(async () => {
    await runtime.close();
    await server.stop();
  });

  it('asks /api/chat for one object with stream false (Ollama streams unless told not to), options only when set', async () => {
    await runtime.chat({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] });
    await runtime.chat({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], maxTokens: 5, temperature: 0, topP: 0.9, stop: ['FIN', '\n\n'] });
    const [plain, tuned] = server.requestsTo('/api/chat');
    expect(plain!.method).toBe('POST');
    expect(plain!.body).toEqual({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], stream: false });
    expect(tuned!.body).toEqual({
      model: MODEL,
      messages: [{ role: 'user', content: 'hi' }],
      stream: false,
      options: { num_predict: 5, temperature: 0, top_p: 0.9, stop: ['FIN', '\n\n'] },
    });
  });

  it('sends top_p and the stop sequences of a stream in its options too', async () => {
    for await (const event of runtime.chatStream({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], topP: 0.5, stop: ['###'] })) void event;
    expect(server.requestsTo('/api/chat')[0]!.body).toMatchObject({ stream: true, options: { top_p: 0.5, stop: ['###'] } });
  });

  it('asks /api/chat to stream with stream true', async () => {
    const events = [];
    for await (const event of runtime.chatStream({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] })) events.push(event);
    expect(events.at(-1)).toMatchObject({ type: 'end' });
    expect(server.requestsTo('/api/chat')[0]!.body).toMatchObject({ stream: true });
  });

  it('sends the whole batch to /api/embed in one request, refusing to truncate', async () => {
    await runtime.embed({ model: MODEL, inputs: ['a', 'b'] });
    expect(server.requestsTo('/api/embed').map((request) => request.body)).toEqual([{ model: MODEL, input: ['a', 'b'], truncate: false }]);
  });

  it('reads counts Ollama leaves out when zero as zero', async () => {
    const result = await runtime.chat({ model: MODEL, messages: [{ role: 'user', content: '' }], maxTokens: 0 });
    expect(result.usage).toEqual({ promptTokens: 0, completionTokens: 0 });
    expect(result.finishReason).toBe('length');
  });

  it('reports the digests of /api/tags as lower-case hex without prefix', async () => {
    const digest = 'b'.repeat(64);
    server.setModels([{ name: 'llama3.2:1b', digest: `sha256:${digest}` }]);
    expect(await runtime.listModels()).toEqual([{ name: 'llama3.2:1b', digest }]);
    server.setModels([{ name: 'llama3.2:1b', digest: 'not-a-digest' }]);
    await expect(runtime.listModels()).rejects.toMatchObject({ code: LlmRuntimeErrorCode.RuntimeBadResponse });
  });
});
