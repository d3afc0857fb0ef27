// The contract every ModelRuntime adapter passes, run here against each HTTP adapter and the test
// runtime of @gardien/testing (which speaks both wire formats and records what it received):
// answers, streaming with usage, embeddings, model lists; cancellation that stops the runtime's
// generation; garbage, a stream cut or stalled, error statuses, each a typed error and never a
// hang; the circuit breaker; retries only before any byte of an answer; and no request to any
// path but the four the adapter may use.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DEFAULT_SERVED_MODEL, ModelRuntimeServer, echoReply, embeddingOf, promptTokensOf, tokensOf } from '@gardien/testing';
import { CircuitBreaker } from './circuit-breaker.js';
import { LlmRuntimeErrorCode } from './llm-runtime.errors.js';
import type { ChatRequest, ChatStreamEvent, ModelRuntime } from './model-runtime.port.js';
import { OllamaRuntime } from './ollama.runtime.js';
import { OpenAiCompatibleRuntime } from './openai-compatible.runtime.js';
import type { RuntimeEndpointOptions } from './runtime-endpoint.js';

type AdapterOptions = Omit<RuntimeEndpointOptions, 'runtime' | 'headers'>;

interface Adapter {
  name: string;
  baseUrlOf(server: ModelRuntimeServer): string;
  create(options: AdapterOptions): ModelRuntime;
  paths: { chat: string; embed: string; list: string };
  reportsDigests: boolean;
}

const MODEL = DEFAULT_SERVED_MODEL.name;

function describeModelRuntimeContract(adapter: Adapter): void {
  describe(`ModelRuntime contract: ${adapter.name}`, () => {
    let server: ModelRuntimeServer;
    const runtimes: ModelRuntime[] = [];
    const allowedPaths = new Set(Object.values(adapter.paths));

    const runtime = (overrides: Partial<AdapterOptions> = {}): ModelRuntime => {
      const made = adapter.create({
        baseUrl: adapter.baseUrlOf(server),
        timeouts: { connectMs: 1_000, firstByteMs: 2_000, stallMs: 1_000, totalMs: 5_000, ...overrides.timeouts },
        retries: 1,
        retryDelayMs: 10,
        breaker: new CircuitBreaker({ failureThreshold: 100, openMs: 1_000 }),
        ...overrides,
      });
      runtimes.push(made);
      return made;
    };
    const ask = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: MODEL, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content }], ...extra });
    const collect = async (events: AsyncIterable<ChatStreamEvent>, seen: ChatStreamEvent[] = []) => {
      for await (const event of events) seen.push(event);
      return seen;
    };
    const textOf = (events: ChatStreamEvent[]) => events.map((event) => (event.type === 'delta' ? event.content : '')).join('');
    const expectedUsage = (prompt: string, reply: string) => ({ promptTokens: promptTokensOf(['Be brief.', prompt]), completionTokens: tokensOf(reply).length });
    const chatRequests = () => server.requestsTo(adapter.paths.chat).length;

    beforeEach(async () => {
      server = new ModelRuntimeServer();
      await server.start();
    });
    afterEach(async () => {
      for (const made of runtimes.splice(0)) await made.close();
      for (const request of server.requests) expect(allowedPaths).toContain(request.path);
      await server.stop();
    });

    describe('answers', () => {
      it('chats: the reply to what reached the runtime, the usage and the finish reason', async () => {
        const result = await runtime().chat(ask('Bonjour, où est la gare ?'));
        const reply = echoReply([{ role: 'user', content: 'Bonjour, où est la gare ?' }]);
        expect(result).toEqual({ content: reply, usage: expectedUsage('Bonjour, où est la gare ?', reply), finishReason: 'stop' });
        expect(server.requestsTo(adapter.paths.chat)[0]!.rawBody).toContain('Bonjour, où est la gare ?');
      });

      it('stops at maxTokens and says so', async () => {
        const result = await runtime().chat(ask('one two three four five six', { maxTokens: 3 }));
        expect(result.usage.completionTokens).toBe(3);
        expect(result.finishReason).toBe('length');
        expect(result.content).toBe(tokensOf(echoReply([{ role: 'user', content: 'one two three four five six' }])).slice(0, 3).join(''));
      });

      it('streams deltas that make the reply, then one end with the usage', async () => {
        const events = await collect(runtime().chatStream(ask('stream me a few words please')));
        const reply = echoReply([{ role: 'user', content: 'stream me a few words please' }]);
        expect(textOf(events)).toBe(reply);
        expect(events.filter((event) => event.type === 'delta').length).toBeGreaterThan(1);
        expect(events.at(-1)).toEqual({ type: 'end', usage: expectedUsage('stream me a few words please', reply), finishReason: 'stop' });
        expect(events.filter((event) => event.type === 'end')).toHaveLength(1);
      });

      it('streams the same whatever the bytes are split into (lines, tokens and UTF-8 characters cut anywhere)', async () => {
        const prompt = 'Zoë paie 12 € à l’hôpital 🏥';
        for (const splitBytes of [1, 2, 3, 7]) {
          server.behave({ splitBytes });
          const events = await collect(runtime().chatStream(ask(prompt)));
          expect(textOf(events)).toBe(echoReply([{ role: 'user', content: prompt }]));
          expect(events.at(-1)?.type).toBe('end');
        }
      });

      it('embeds a batch: one vector per input, in order, and the prompt tokens', async () => {
        const inputs = ['premier texte', 'second', 'et un troisième texte ici'];
        const result = await runtime().embed({ model: MODEL, inputs });
        expect(result).toEqual({ vectors: inputs.map((input) => embeddingOf(input)), promptTokens: promptTokensOf(inputs) });
      });

      it('lists the installed models', async () => {
        const digest = 'a'.repeat(64);
        server.setModels([DEFAULT_SERVED_MODEL, { name: 'other:7b', digest }]);
        const models = await runtime().listModels();
        expect(models.map((model) => model.name)).toEqual([MODEL, 'other:7b']);
        if (adapter.reportsDigests) expect(models.map((model) => model.digest)).toEqual([DEFAULT_SERVED_MODEL.digest, digest]);
        else expect(models.every((model) => model.digest === undefined)).toBe(true);
      });

      it('calls only the endpoints it may use: never one that pulls, creates, copies, pushes or deletes a model', async () => {
        const subject = runtime();
        await subject.listModels();
        await subject.chat(ask('hello'));
        await collect(subject.chatStream(ask('hello')));
        await subject.embed({ model: MODEL, inputs: ['x'] });
        await expect(subject.chat({ ...ask('hello'), model: 'missing:1b' })).rejects.toMatchObject({ code: LlmRuntimeErrorCode.ModelNotFound });
        await expect(subject.embed({ model: 'missing:1b', inputs: ['x'] })).rejects.toMatchObject({ code: LlmRuntimeErrorCode.ModelNotFound });
        const paths = server.requests.map((request) => `${request.method} ${request.path}`);
        expect(new Set(paths)).toEqual(new Set([`GET ${adapter.paths.list}`, `POST ${adapter.paths.chat}`, `POST ${adapter.paths.embed}`]));
        expect(paths.filter((path) => /pull|create|copy|push|delete|blobs/.test(path))).toEqual([]);
      });

      it('says model_not_found for a model the runtime does not have', async () => {
        const subject = runtime();
        await expect(subject.chat({ ...ask('hello'), model: 'missing:1b' })).rejects.toMatchObject({ code: LlmRuntimeErrorCode.ModelNotFound, details: { status: 404 } });
        await expect(collect(subject.chatStream({ ...ask('hello'), model: 'missing:1b' }))).rejects.toMatchObject({ code: LlmRuntimeErrorCode.ModelNotFound });
        await expect(subject.embed({ model: 'missing:1b', inputs: ['x'] })).rejects.toMatchObject({ code: LlmRuntimeErrorCode.ModelNotFound });
      });
    });

    describe('cancellation', () => {
      const longPrompt = Array.from({ length: 200 }, (_, index) => `word${index}`).join(' ');

      it('aborting the signal mid-stream aborts the request, and the runtime stops generating within 1 s', async () => {
        server.behave({ tokenIntervalMs: 20 });
        const controller = new AbortController();
        const seen: ChatStreamEvent[] = [];
        const consuming = collect(runtime().chatStream(ask(longPrompt), controller.signal), seen);
        await waitUntil(() => seen.length >= 3);
        const aborted = server.waitForAbort(1_000);
        const abortedAt = Date.now();
        controller.abort();
        await expect(consuming).rejects.toMatchObject({ code: LlmRuntimeErrorCode.Cancelled });
        const record = await aborted;
        expect(record.abortedAt! - abortedAt).toBeLessThan(1_000);
        const tokens = record.tokens;
        await sleep(100);
        expect(record.tokens).toBe(tokens);
        expect(record.tokens).toBeLessThan(tokensOf(longPrompt).length);
      });

      it('leaving the loop early aborts the request too', async () => {
        server.behave({ tokenIntervalMs: 20 });
        const aborted = server.waitForAbort(1_000);
        let deltas = 0;
        for await (const event of runtime().chatStream(ask(longPrompt))) {
          if (event.type === 'delta') deltas += 1;
          if (deltas === 2) break;
        }
        expect((await aborted).state).toBe('aborted');
      });

      it('aborting a non-streamed chat aborts its request', async () => {
        server.behave({ tokenIntervalMs: 20 });
        const controller = new AbortController();
        const answer = runtime().chat(ask(longPrompt), controller.signal);
        const aborted = server.waitForAbort(1_000);
        await waitUntil(() => (server.generations[0]?.tokens ?? 0) >= 2);
        controller.abort();
        await expect(answer).rejects.toMatchObject({ code: LlmRuntimeErrorCode.Cancelled });
        expect((await aborted).state).toBe('aborted');
      });

      it('sends nothing for a signal aborted already', async () => {
        const controller = new AbortController();
        controller.abort();
        await expect(runtime().chat(ask('hello'), controller.signal)).rejects.toMatchObject({ code: LlmRuntimeErrorCode.Cancelled });
        await expect(collect(runtime().chatStream(ask('hello'), controller.signal))).rejects.toMatchObject({ code: LlmRuntimeErrorCode.Cancelled });
        expect(server.requests).toHaveLength(0);
      });
    });

    describe('a runtime that misbehaves ends in a typed error, never a hang', () => {
      it.each(['json', 'shape'] as const)('garbage (%s) in a whole answer is runtime_bad_response', async (kind) => {
        server.behave({ garbage: { kind } });
        const subject = runtime();
        await expect(subject.chat(ask('hello'))).rejects.toMatchObject({ code: LlmRuntimeErrorCode.RuntimeBadResponse });
        await expect(subject.embed({ model: MODEL, inputs: ['x'] })).rejects.toMatchObject({ code: LlmRuntimeErrorCode.RuntimeBadResponse });
        await expect(subject.listModels()).rejects.toMatchObject({ code: LlmRuntimeErrorCode.RuntimeBadResponse });
      });

      it.each(['json', 'shape'] as const)('garbage (%s) in a stream is runtime_bad_response after the good deltas', async (kind) => {
        server.behave({ garbage: { kind, afterTokens: 2 } });
        const seen: ChatStreamEvent[] = [];
        await expect(collect(runtime().chatStream(ask('one two three four')), seen)).rejects.toMatchObject({ code: LlmRuntimeErrorCode.RuntimeBadResponse });
        expect(seen.map((event) => event.type)).toEqual(['delta', 'delta']);
      });

      it.each(['destroy', 'end'] as const)('a stream stopped in the middle (%s) is runtime_stream_interrupted, and is not tried again', async (how) => {
        server.behave({ stop: { afterTokens: 2, how } });
        const seen: ChatStreamEvent[] = [];
        await expect(collect(runtime().chatStream(ask('one two three four')), seen)).rejects.toMatchObject({ code: LlmRuntimeErrorCode.RuntimeStreamInterrupted });
        expect(seen).toHaveLength(2);
        expect(chatRequests()).toBe(1);
      });

      it('a whole answer cut in the middle is runtime_stream_interrupted, and is not tried again', async () => {
        server.behave({ stop: { afterTokens: 0, how: 'destroy' } });
        await expect(runtime().chat(ask('hello there'))).rejects.toMatchObject({ code: LlmRuntimeErrorCode.RuntimeStreamInterrupted });
        expect(chatRequests()).toBe(1);
      });

      it('a stream that stalls is runtime_timeout (stall) within the stall timeout', async () => {
        server.behave({ stallAfterTokens: 2 });
        const started = Date.now();
        await expect(collect(runtime({ timeouts: { connectMs: 1_000, firstByteMs: 2_000, stallMs: 300, totalMs: 5_000 } }).chatStream(ask('one two three four')))).rejects.toMatchObject({
          code: LlmRuntimeErrorCode.RuntimeTimeout,
          details: { phase: 'stall' },
        });
        expect(Date.now() - started).toBeGreaterThanOrEqual(290);
        expect(Date.now() - started).toBeLessThan(1_000);
      });

      it('a whole answer that stalls halfway is runtime_timeout (stall)', async () => {
        server.behave({ stallAfterTokens: 0 });
        const subject = runtime({ timeouts: { connectMs: 1_000, firstByteMs: 2_000, stallMs: 300, totalMs: 5_000 } });
        await expect(subject.chat(ask('hello'))).rejects.toMatchObject({ code: LlmRuntimeErrorCode.RuntimeTimeout, details: { phase: 'stall' } });
      });

      it('a stream that does not start is runtime_timeout (first_byte); a whole answer that does not come, (total)', async () => {
        server.behave({ latencyMs: 1_000 });
        const subject = runtime({ timeouts: { connectMs: 1_000, firstByteMs: 200, stallMs: 1_000, totalMs: 400 } });
        await expect(collect(subject.chatStream(ask('hello')))).rejects.toMatchObject({ code: LlmRuntimeErrorCode.RuntimeTimeout, details: { phase: 'first_byte' } });
        await expect(subject.chat(ask('hello'))).rejects.toMatchObject({ code: LlmRuntimeErrorCode.RuntimeTimeout, details: { phase: 'total' } });
        await expect(subject.listModels()).rejects.toMatchObject({ code: LlmRuntimeErrorCode.RuntimeTimeout, details: { phase: 'first_byte' } });
      });

      it('a slow stream within the timeouts is fine', async () => {
        server.behave({ tokenIntervalMs: 100 });
        const subject = runtime({ timeouts: { connectMs: 1_000, firstByteMs: 300, stallMs: 300, totalMs: 5_000 } });
        expect(textOf(await collect(subject.chatStream(ask('a b c d e'))))).toBe(echoReply([{ role: 'user', content: 'a b c d e' }]));
      });

      it('an error reported inside the stream is runtime_failed', async () => {
        server.behave({ streamErrorAfterTokens: 1 });
        await expect(collect(runtime().chatStream(ask('one two three')))).rejects.toMatchObject({ code: LlmRuntimeErrorCode.RuntimeFailed });
      });

      it.each([
        [500, LlmRuntimeErrorCode.RuntimeFailed],
        [503, LlmRuntimeErrorCode.RuntimeUnavailable],
        [400, LlmRuntimeErrorCode.RuntimeRejected],
      ])('status %i is %s, not tried again', async (status, code) => {
        server.behave({ status });
        const subject = runtime();
        await expect(subject.chat(ask('hello'))).rejects.toMatchObject({ code, details: { status } });
        await expect(collect(subject.chatStream(ask('hello')))).rejects.toMatchObject({ code, details: { status } });
        expect(chatRequests()).toBe(2);
      });

      it('a runtime that is not there is runtime_unavailable', async () => {
        const subject = runtime();
        await server.stop();
        await expect(subject.listModels()).rejects.toMatchObject({ code: LlmRuntimeErrorCode.RuntimeUnavailable });
        await expect(collect(subject.chatStream(ask('hello')))).rejects.toMatchObject({ code: LlmRuntimeErrorCode.RuntimeUnavailable });
      });
    });

    describe('retries', () => {
      it('tries again a connection dropped before any byte of an answer, for every operation', async () => {
        const subject = runtime();
        server.behave({ dropConnections: 1 });
        await expect(subject.listModels()).resolves.toHaveLength(1);
        server.behave({ dropConnections: 1 });
        await expect(subject.embed({ model: MODEL, inputs: ['x'] })).resolves.toMatchObject({ promptTokens: 1 });
        server.behave({ dropConnections: 1 });
        await expect(subject.chat(ask('hello'))).resolves.toMatchObject({ finishReason: 'stop' });
        server.behave({ dropConnections: 1 });
        expect((await collect(subject.chatStream(ask('hello')))).at(-1)?.type).toBe('end');
        expect(server.requestsTo(adapter.paths.list)).toHaveLength(2);
        expect(server.requestsTo(adapter.paths.embed)).toHaveLength(2);
        expect(chatRequests()).toBe(4);
      });

      it('gives up after the configured retries', async () => {
        server.behave({ dropConnections: 3 });
        await expect(runtime({ retries: 2 }).chat(ask('hello'))).rejects.toMatchObject({ code: LlmRuntimeErrorCode.RuntimeUnavailable });
        expect(chatRequests()).toBe(3);
        server.behave({ dropConnections: 1 });
        await expect(runtime({ retries: 0 }).listModels()).rejects.toMatchObject({ code: LlmRuntimeErrorCode.RuntimeUnavailable });
        expect(server.requestsTo(adapter.paths.list)).toHaveLength(1);
      });
    });

    describe('circuit breaker', () => {
      it('opens after consecutive failures, refuses fast without calling, half-opens for one trial, closes on its success', async () => {
        let now = 0;
        const breaker = new CircuitBreaker({ failureThreshold: 2, openMs: 10_000, now: () => now });
        const subject = runtime({ breaker });
        server.behave({ status: 500 });
        await expect(subject.chat(ask('hello'))).rejects.toMatchObject({ code: LlmRuntimeErrorCode.RuntimeFailed });
        await expect(collect(subject.chatStream(ask('hello')))).rejects.toMatchObject({ code: LlmRuntimeErrorCode.RuntimeFailed });
        expect(breaker.state).toBe('open');

        const calls = server.requests.length;
        await expect(subject.listModels()).rejects.toMatchObject({ code: LlmRuntimeErrorCode.CircuitOpen, details: { retryInMs: 10_000 } });
        await expect(collect(subject.chatStream(ask('hello')))).rejects.toMatchObject({ code: LlmRuntimeErrorCode.CircuitOpen });
        expect(server.requests).toHaveLength(calls);

        now = 10_000;
        expect(breaker.state).toBe('half-open');
        await expect(subject.chat(ask('hello'))).rejects.toMatchObject({ code: LlmRuntimeErrorCode.RuntimeFailed });
        expect(breaker.state).toBe('open');

        now = 20_000;
        server.behave({ tokenIntervalMs: 50 });
        const trial = subject.chat(ask('hello'));
        await expect(subject.listModels()).rejects.toMatchObject({ code: LlmRuntimeErrorCode.CircuitOpen });
        await expect(trial).resolves.toMatchObject({ finishReason: 'stop' });
        expect(breaker.state).toBe('closed');
        await expect(subject.listModels()).resolves.toHaveLength(1);
      });

      it('counts a cut stream and garbage as failures, a refused request or a cancelled call as none', async () => {
        const breaker = new CircuitBreaker({ failureThreshold: 2, openMs: 10_000 });
        const subject = runtime({ breaker });
        await expect(subject.chat({ ...ask('hello'), model: 'missing:1b' })).rejects.toMatchObject({ code: LlmRuntimeErrorCode.ModelNotFound });
        await expect(subject.chat({ ...ask('hello'), model: 'missing:1b' })).rejects.toMatchObject({ code: LlmRuntimeErrorCode.ModelNotFound });
        server.behave({ tokenIntervalMs: 50 });
        for (let i = 0; i < 2; i += 1) {
          const controller = new AbortController();
          const answer = subject.chat(ask('one two three'), controller.signal);
          setTimeout(() => controller.abort(), 20);
          await expect(answer).rejects.toMatchObject({ code: LlmRuntimeErrorCode.Cancelled });
        }
        expect(breaker.state).toBe('closed');
        server.behave({ stop: { afterTokens: 1, how: 'destroy' } });
        await expect(collect(subject.chatStream(ask('one two three')))).rejects.toMatchObject({ code: LlmRuntimeErrorCode.RuntimeStreamInterrupted });
        server.behave({ garbage: { kind: 'json' } });
        await expect(subject.listModels()).rejects.toMatchObject({ code: LlmRuntimeErrorCode.RuntimeBadResponse });
        expect(breaker.state).toBe('open');
      });
    });
  });
}

describeModelRuntimeContract({
  name: 'OllamaRuntime',
  baseUrlOf: (server) => server.url,
  create: (options) => new OllamaRuntime(options),
  paths: { chat: '/api/chat', embed: '/api/embed', list: '/api/tags' },
  reportsDigests: true,
});

describeModelRuntimeContract({
  name: 'OpenAiCompatibleRuntime',
  baseUrlOf: (server) => server.openAiBaseUrl,
  create: (options) => new OpenAiCompatibleRuntime(options),
  paths: { chat: '/v1/chat/completions', embed: '/v1/embeddings', list: '/v1/models' },
  reportsDigests: false,
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitUntil(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}
