// What OpenAiCompatibleRuntime sends, beyond the contract (model-runtime.contract.spec.ts): the
// documented request bodies, include_usage on every stream, the API key, paths under the base URL.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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

it('a hostile runtime that sends one server-sent event of endless data lines is a bad response, not a gateway out of memory', async () => {
  let written = 0;
  const hostile = createServer((request, response) => {
    request.resume();
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    const line = `data: ${'x'.repeat(8_000)}\n`;
    const pump = () => {
      while (written < 4_000 && response.write(line)) written += 1;
      if (written < 4_000) response.once('drain', pump);
      else response.end('\n');
    };
    pump();
  });
  await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
  const runtime = new OpenAiCompatibleRuntime({
    baseUrl: `http://127.0.0.1:${(hostile.address() as AddressInfo).port}/v1`,
    timeouts: { connectMs: 1_000, firstByteMs: 2_000, stallMs: 2_000, totalMs: 10_000 },
    retries: 0,
    breaker: new CircuitBreaker({ failureThreshold: 5, openMs: 1_000 }),
  });
  try {
    const events: ChatStreamEvent[] = [];
    const drained = (async () => {
      for await (const event of runtime.chatStream({ model: MODEL, messages })) events.push(event);
    })();
    await expect(drained).rejects.toMatchObject({ code: LlmRuntimeErrorCode.RuntimeBadResponse });
    // Refused after about 1 MiB of the 32 MB it would have sent.
    expect(written).toBeLessThan(4_000);
  } finally {
    await runtime.close();
    hostile.closeAllConnections();
    await new Promise((resolve) => hostile.close(resolve));
  }
});
