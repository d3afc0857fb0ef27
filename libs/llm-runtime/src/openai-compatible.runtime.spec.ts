// What OpenAiCompatibleRuntime sends, beyond the contract (model-runtime.contract.spec.ts): the
// documented request bodies, include_usage on every stream, the API key, paths under the base URL.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DEFAULT_SERVED_MODEL, ModelRuntimeServer } from '@gardien/testing';
import { CircuitBreaker } from './circuit-breaker.js';
import { LlmRuntimeErrorCode } from './llm-runtime.errors.js';
import type { ChatStreamEvent } from './model-runtime.port.js';
import { OpenAiCompatibleRuntime } from './openai-compatible.runtime.js';

const MODEL = DEFAULT_SERVED_MODEL.name;
const API_KEY = 'key-for-tests-only';
const messages = [{ role: 'user' as const, content: 'hi there' }];

describe('OpenAiCompatibleRuntime on the wire', () => {
  let server: ModelRuntimeServer;
  const open = (apiKey?: string) =>
    new OpenAiCompatibleRuntime({
      baseUrl: server.openAiBaseUrl,
      ...(apiKey ? { apiKey } : {}),
      timeouts: { connectMs: 1_000, firstByteMs: 2_000, stallMs: 1_000, totalMs: 5_000 },
      retries: 0,
      breaker: new CircuitBreaker({ failureThreshold: 5, openMs: 1_000 }),
    });
  const drain = async (events: AsyncIterable<ChatStreamEvent>) => {
    const seen: ChatStreamEvent[] = [];
    for await (const event of events) seen.push(event);
    return seen;
  };

  beforeEach(async () => {
    server = new ModelRuntimeServer({ apiKey: API_KEY });
    await server.start();
  });
  afterEach(async () => {
    await server.stop();
  });

  it('always asks for the usage when streaming (stream_options.include_usage), never otherwise', async () => {
    const runtime = open(API_KEY);
    await runtime.chat({ model: MODEL, messages, maxTokens: 4, temperature: 0.2 });
    const events = await drain(runtime.chatStream({ model: MODEL, messages }));
    await runtime.close();
    const [whole, streamed] = server.requestsTo('/v1/chat/completions');
    expect(whole!.body).toEqual({ model: MODEL, messages, stream: false, max_tokens: 4, temperature: 0.2 });
    expect(streamed!.body).toEqual({ model: MODEL, messages, stream: true, stream_options: { include_usage: true } });
    expect(events.at(-1)).toMatchObject({ type: 'end', usage: { completionTokens: 3 } });
  });

  it('sends top_p and the stop sequences (as a list), once and streamed', async () => {
    const runtime = open(API_KEY);
    await runtime.chat({ model: MODEL, messages, topP: 0.9, stop: ['FIN', '\n\n'] });
    await drain(runtime.chatStream({ model: MODEL, messages, topP: 0.5, stop: ['###'] }));
    await runtime.close();
    const [whole, streamed] = server.requestsTo('/v1/chat/completions');
    expect(whole!.body).toEqual({ model: MODEL, messages, stream: false, top_p: 0.9, stop: ['FIN', '\n\n'] });
    expect(streamed!.body).toEqual({ model: MODEL, messages, stream: true, stream_options: { include_usage: true }, top_p: 0.5, stop: ['###'] });
  });

  it('sends the API key as a bearer token on every request; without it the server refuses (runtime_rejected)', async () => {
    const runtime = open(API_KEY);
    await runtime.listModels();
    await runtime.embed({ model: MODEL, inputs: ['a', 'b'] });
    await runtime.close();
    expect(server.requests.map((request) => request.headers.authorization)).toEqual([`Bearer ${API_KEY}`, `Bearer ${API_KEY}`]);
    expect(server.requestsTo('/v1/embeddings')[0]!.body).toEqual({ model: MODEL, input: ['a', 'b'], encoding_format: 'float' });

    const anonymous = open();
    await expect(anonymous.listModels()).rejects.toMatchObject({ code: LlmRuntimeErrorCode.RuntimeRejected, details: { status: 401 } });
    await anonymous.close();
  });

  it('appends its paths to the base URL as given (with or without a trailing slash)', async () => {
    const runtime = new OpenAiCompatibleRuntime({
      baseUrl: `${server.openAiBaseUrl}/`,
      apiKey: API_KEY,
      timeouts: { connectMs: 1_000, firstByteMs: 2_000, stallMs: 1_000, totalMs: 5_000 },
      retries: 0,
      breaker: new CircuitBreaker({ failureThreshold: 5, openMs: 1_000 }),
    });
    await runtime.listModels();
    await runtime.close();
    expect(server.requests.map((request) => request.path)).toEqual(['/v1/models']);
  });
});
