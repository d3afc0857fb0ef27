// The test runtime speaks both wire formats as their documentation writes them, read here with a
// plain HTTP client (fetch), so that adapters tested against it are tested against the formats.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DEFAULT_SERVED_MODEL, ModelRuntimeServer, echoReply, embeddingOf, tokensOf } from './model-runtime-server.js';

const MODEL = DEFAULT_SERVED_MODEL.name;
const messages = [{ role: 'user', content: 'où est la gare' }];

describe('ModelRuntimeServer', () => {
  let server: ModelRuntimeServer;
  const post = (path: string, body: unknown, init: RequestInit = {}) =>
    fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), ...init });

  beforeEach(async () => {
    server = new ModelRuntimeServer();
    await server.start();
  });
  afterEach(async () => {
    await server.stop();
  });

  describe('Ollama', () => {
    it('streams /api/chat as NDJSON unless stream is false; the last line has done, done_reason and the counts', async () => {
      const response = await post('/api/chat', { model: 'gardien-test', messages });
      expect(response.headers.get('content-type')).toBe('application/x-ndjson');
      const lines = (await response.text()).trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      const tokens = tokensOf(echoReply(messages));
      expect(lines.slice(0, -1).map((line) => (line['message'] as { content: string }).content)).toEqual(tokens);
      expect(lines.slice(0, -1).every((line) => line['done'] === false && line['model'] === 'gardien-test')).toBe(true);
      expect(lines.at(-1)).toMatchObject({ done: true, done_reason: 'stop', message: { role: 'assistant', content: '' }, prompt_eval_count: 4, eval_count: tokens.length });
      expect(lines.at(-1)).toHaveProperty('eval_duration');
    });

    it('answers one object with stream false, and leaves out counts that are zero', async () => {
      const answer = (await (await post('/api/chat', { model: MODEL, messages: [{ role: 'user', content: '' }], stream: false, options: { num_predict: 0 } })).json()) as Record<string, unknown>;
      expect(answer).toMatchObject({ model: MODEL, done: true, done_reason: 'length', message: { role: 'assistant', content: '' } });
      expect(answer).not.toHaveProperty('prompt_eval_count');
      expect(answer).not.toHaveProperty('eval_count');
    });

    it('embeds with /api/embed, lists with /api/tags (digests as configured), and answers 404 with {"error"} for an unknown model', async () => {
      const embedded = (await (await post('/api/embed', { model: MODEL, input: ['un', 'deux mots'] })).json()) as Record<string, unknown>;
      expect(embedded).toMatchObject({ model: MODEL, embeddings: [embeddingOf('un'), embeddingOf('deux mots')], prompt_eval_count: 3 });
      server.setModels([{ name: 'x:1b', digest: 'c'.repeat(64) }]);
      expect(await (await fetch(`${server.url}/api/tags`)).json()).toMatchObject({ models: [{ name: 'x:1b', model: 'x:1b', digest: 'c'.repeat(64) }] });
      const missing = await post('/api/chat', { model: MODEL, messages, stream: false });
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({ error: `model "${MODEL}" not found, try pulling it first` });
    });

    it('ends the answer before the first of options.stop that it holds, leaving the sequence out', async () => {
      const answer = (await (await post('/api/chat', { model: MODEL, messages, stream: false, options: { stop: ['gare', 'est'] } })).json()) as Record<string, unknown>;
      expect(answer).toMatchObject({ done_reason: 'stop', message: { content: 'Echo: où ' } });
    });

    it('reports an error inside the stream as a line {"error"}', async () => {
      server.behave({ streamErrorAfterTokens: 1 });
      const lines = (await (await post('/api/chat', { model: MODEL, messages })).text()).trimEnd().split('\n');
      expect(JSON.parse(lines.at(-1)!)).toEqual({ error: expect.any(String) });
      expect(lines).toHaveLength(2);
    });
  });

  describe('OpenAI (as vLLM serves it)', () => {
    const events = async (response: Response) =>
      (await response.text())
        .split('\n\n')
        .filter((event) => event !== '')
        .map((event) => {
          expect(event.startsWith('data: ')).toBe(true);
          return event.slice(6);
        });

    it('streams server-sent events ending with [DONE]; the usage chunk, without choices, only when include_usage asks for it', async () => {
      const withUsage = await post('/v1/chat/completions', { model: MODEL, messages, stream: true, stream_options: { include_usage: true } });
      expect(withUsage.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      const data = await events(withUsage);
      expect(data.at(-1)).toBe('[DONE]');
      const chunks = data.slice(0, -1).map((chunk) => JSON.parse(chunk) as { object: string; choices: Array<{ delta: { role?: string; content?: string }; finish_reason: string | null }>; usage: unknown });
      expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
      expect(chunks[0]!.choices[0]!.delta).toEqual({ role: 'assistant', content: '' });
      expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
      expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 4, completion_tokens: tokensOf(echoReply(messages)).length } });
      expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');
      expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(echoReply(messages));

      const without = (await events(await post('/v1/chat/completions', { model: MODEL, messages, stream: true }))).slice(0, -1).map((chunk) => JSON.parse(chunk) as object);
      expect(without.every((chunk) => !('usage' in chunk))).toBe(true);
    });

    it('answers one chat.completion when not streaming (the default), embeddings and models lists', async () => {
      const answer = await (await post('/v1/chat/completions', { model: MODEL, messages, max_tokens: 1 })).json();
      expect(answer).toMatchObject({ object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'Echo: ' }, finish_reason: 'length' }], usage: { prompt_tokens: 4, completion_tokens: 1, total_tokens: 5 } });
      const embedded = await (await post('/v1/embeddings', { model: MODEL, input: 'un' })).json();
      expect(embedded).toMatchObject({ object: 'list', data: [{ index: 0, object: 'embedding', embedding: embeddingOf('un') }], usage: { prompt_tokens: 1 } });
      expect(await (await fetch(`${server.openAiBaseUrl}/models`)).json()).toMatchObject({ object: 'list', data: [{ id: MODEL, object: 'model', owned_by: 'vllm' }] });
      const missing = await post('/v1/chat/completions', { model: 'nope', messages });
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({ error: { message: 'The model `nope` does not exist.', type: 'NotFoundError', param: 'model', code: 404 } });
    });

    it('ends the answer before a stop sequence, given as one string or a list', async () => {
      const content = async (stop: unknown) =>
        ((await (await post('/v1/chat/completions', { model: MODEL, messages, stop })).json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content;
      expect(await content(' la')).toBe('Echo: où est');
      expect(await content(['absent', 'où'])).toBe('Echo: ');
    });

    it('wants the API key it was given, as vLLM with --api-key', async () => {
      const guarded = new ModelRuntimeServer({ apiKey: 'k' });
      const base = await guarded.start();
      try {
        expect((await fetch(`${base}/v1/models`)).status).toBe(401);
        expect((await fetch(`${base}/v1/models`, { headers: { authorization: 'Bearer k' } })).status).toBe(200);
      } finally {
        await guarded.stop();
      }
    });
  });

  describe('records and behaviours', () => {
    it('records every request with its body, unknown paths included (404)', async () => {
      expect((await post('/api/pull', { model: 'llama3' })).status).toBe(404);
      await post('/api/chat', { model: MODEL, messages, stream: false });
      expect(server.requests.map((request) => [request.method, request.path])).toEqual([
        ['POST', '/api/pull'],
        ['POST', '/api/chat'],
      ]);
      expect(server.requestsTo('/api/chat')[0]!.rawBody).toContain('où est la gare');
      expect(server.requestsTo('/api/chat')[0]!.body).toMatchObject({ messages });
    });

    it('writes the same bytes whatever it splits them into', async () => {
      const whole = await (await post('/v1/chat/completions', { model: MODEL, messages, stream: true })).text();
      server.behave({ splitBytes: 1 });
      const split = await (await post('/v1/chat/completions', { model: MODEL, messages, stream: true })).text();
      const normalise = (text: string) => text.replace(/"(id|created)":("[^"]*"|\d+)/g, '');
      expect(normalise(split)).toBe(normalise(whole));
    });

    it('answers the error status it is told to, drops connections it is told to, counting down', async () => {
      server.behave({ status: 503 });
      expect((await fetch(`${server.url}/api/tags`)).status).toBe(503);
      server.behave({ dropConnections: 1 });
      await expect(fetch(`${server.url}/api/tags`)).rejects.toThrow();
      expect((await fetch(`${server.url}/api/tags`)).status).toBe(200);
      expect(server.requestsTo('/api/tags')).toHaveLength(3);
    });

    it('reports a client that goes away in the middle of a generation, and stops generating', async () => {
      server.behave({ tokenIntervalMs: 20 });
      const controller = new AbortController();
      const long = Array.from({ length: 100 }, (_, index) => `w${index}`).join(' ');
      const response = await post('/api/chat', { model: MODEL, messages: [{ role: 'user', content: long }] }, { signal: controller.signal });
      const reader = response.body!.getReader();
      await reader.read();
      const aborted = server.waitForAbort(1_000);
      controller.abort();
      const record = await aborted;
      expect(record).toMatchObject({ path: '/api/chat', stream: true, state: 'aborted' });
      const tokens = record.tokens;
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(record.tokens).toBe(tokens);
      expect(tokens).toBeLessThan(100);
    });
  });
});
