// The OpenAI chat translation on its own: OpenAI's request as the SDKs send it to the gateway's
// chat request, what Gardien does not serve refused by name, the gateway's answer and streamed
// messages back to OpenAI's documents and server-sent events. Hostile bodies (any JSON at all)
// either translate to a request the gateway's schema accepts or are a 400 in OpenAI's shape that
// echoes nothing of what was sent.
import fc from 'fast-check';
import { ErrorCode, GardienError, LlmChatRequest, type LlmChatChunk, type LlmChatReply } from '@gardien/contracts';
import { callHintsOf } from './gardien-headers.js';
import { chatCallOf } from './openai-chat-request.js';
import { ChatChunkTranslator, chatCompletionOf, type OpenAiChatChunk } from './openai-chat-response.js';
import { OPENAI_EVENT_STREAM, SSE_DONE, openAiChunkTexts, sseDataOf } from './openai-chat-stream.js';
import { openAiErrorOf } from './openai-error.js';

const CALL_ID = '7d4f2c6e-93a1-4b8e-9f0d-2a5c1e8b7f34';
const user = (content: unknown) => ({ role: 'user', content });

/** The error `work` throws, as the OpenAI-compatible surface would send it. */
function refusalOf(work: () => unknown): { status: number; body: ReturnType<typeof openAiErrorOf>['body'] } {
  try {
    work();
  } catch (error) {
    if (!(error instanceof GardienError)) throw error;
    return openAiErrorOf({ code: error.code, reason: error.reason, title: 'The request is not valid', requestId: 'r-1', errors: error.details });
  }
  throw new Error('not refused');
}

describe('OpenAI request -> gateway request', () => {
  test('what the SDK sends by default, and every parameter Gardien reads', () => {
    const call = chatCallOf(
      {
        model: 'assistant',
        messages: [
          { role: 'developer', content: 'Réponds en français.' },
          { role: 'system', content: [{ type: 'text', text: 'Sois bref.' }] },
          user([{ type: 'text', text: 'Bonjour' }, { type: 'text', text: 'ça va ?' }]),
          // An answer of the SDK given back as it came (choices[0].message).
          { role: 'assistant', content: 'Oui.', refusal: null, annotations: [], tool_calls: [], function_call: null, audio: null },
          user('Et toi ?'),
        ],
        max_completion_tokens: 100,
        temperature: 0.2,
        top_p: 0.9,
        stop: 'FIN',
        n: 1,
        user: 'end-user-42',
        stream: true,
        stream_options: { include_usage: true },
        // Values that ask for nothing.
        tools: [],
        tool_choice: 'none',
        logprobs: false,
        frequency_penalty: 0,
        response_format: { type: 'text' },
        seed: null,
      },
      { purpose: 'support' },
    );
    expect(call).toEqual({
      request: {
        model: 'assistant',
        messages: [
          { role: 'system', content: 'Réponds en français.' },
          { role: 'system', content: 'Sois bref.' },
          { role: 'user', content: 'Bonjour\nça va ?' },
          { role: 'assistant', content: 'Oui.' },
          { role: 'user', content: 'Et toi ?' },
        ],
        purpose: 'support',
        max_tokens: 100,
        temperature: 0.2,
        top_p: 0.9,
        stop: ['FIN'],
      },
      stream: true,
      includeUsage: true,
    });
  });

  test('top_p and stop, as one string or a list of up to four, reach the gateway’s request (stop as a list; an empty list is none)', () => {
    const request = (fields: object) => chatCallOf({ model: 'm', messages: [user('x')], ...fields }, {}).request;
    const four = ['FIN', '\n\n', '###', 'x'.repeat(64)];
    expect(request({ top_p: 1, stop: four })).toMatchObject({ top_p: 1, stop: four });
    expect(request({ top_p: 0.05, stop: 'FIN' })).toMatchObject({ top_p: 0.05, stop: ['FIN'] });
    expect(request({ stop: [] })).not.toHaveProperty('stop');
    expect(request({ top_p: null, stop: null })).toEqual({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
  });

  test('retrieval, Gardien’s extension (the SDKs’ extra body), reaches the gateway’s request; a bad one is refused by name', () => {
    const request = chatCallOf({ model: 'm', messages: [user('x')], retrieval: { collection: 'dossiers', top_k: 3 } }, {}).request;
    expect(request.retrieval).toEqual({ collection: 'dossiers', top_k: 3 });
    for (const retrieval of [{ collection: 'Dossiers' }, { collection: 'dossiers', top_k: 11 }, { collection: 'dossiers', tenant_id: 'other' }, 'dossiers']) {
      const refusal = refusalOf(() => chatCallOf({ model: 'm', messages: [user('x')], retrieval }, {}));
      expect(refusal).toMatchObject({ status: 400, body: { error: { type: 'invalid_request_error', param: expect.stringMatching(/^retrieval/) } } });
    }
  });

  test('the smallest request; max_tokens, the older name, when max_completion_tokens is not given; an assistant refusal as its text', () => {
    expect(chatCallOf({ model: 'assistant', messages: [user('Bonjour')] }, {})).toEqual({ request: { model: 'assistant', messages: [{ role: 'user', content: 'Bonjour' }] }, stream: false, includeUsage: false });
    expect(chatCallOf({ model: 'm', messages: [user('x')], max_tokens: 7, max_completion_tokens: null }, {}).request.max_tokens).toBe(7);
    expect(chatCallOf({ model: 'm', messages: [{ role: 'assistant', content: null, refusal: 'Je ne peux pas.' }, user('x')] }, {}).request.messages[0]).toEqual({ role: 'assistant', content: 'Je ne peux pas.' });
  });

  test.each([
    ['tools', { tools: [{ type: 'function', function: { name: 'f' } }] }, 'unsupported_parameter', 'tools'],
    ['functions', { functions: [{ name: 'f' }] }, 'unsupported_parameter', 'functions'],
    ['a tool choice', { tool_choice: 'auto' }, 'unsupported_parameter', 'tool_choice'],
    ['JSON output', { response_format: { type: 'json_object' } }, 'unsupported_parameter', 'response_format'],
    ['a JSON schema', { response_format: { type: 'json_schema', json_schema: { name: 'x' } } }, 'unsupported_parameter', 'response_format'],
    ['log probabilities', { logprobs: true }, 'unsupported_parameter', 'logprobs'],
    ['several choices', { n: 2 }, 'unsupported_parameter', 'n'],
    ['a seed', { seed: 42 }, 'unsupported_parameter', 'seed'],
    ['a penalty', { presence_penalty: 0.5 }, 'unsupported_parameter', 'presence_penalty'],
    ['audio output', { modalities: ['text', 'audio'] }, 'unsupported_parameter', 'modalities'],
    ['an image', { messages: [user([{ type: 'image_url', image_url: { url: 'https://example.org/x.png' } }])] }, 'unsupported_content', 'messages'],
    ['input audio', { messages: [user([{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }])] }, 'unsupported_content', 'messages'],
    ['a tool message', { messages: [{ role: 'tool', content: 'x', tool_call_id: 'c1' }] }, 'unsupported_role', 'messages'],
    ['a function message', { messages: [{ role: 'function', content: 'x', name: 'f' }] }, 'unsupported_role', 'messages'],
    ['tool calls of an assistant', { messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] }, user('x')] }, 'unsupported_parameter', 'messages'],
    ['a participant name', { messages: [{ role: 'user', content: 'x', name: 'Camille' }] }, 'unsupported_parameter', 'messages'],
  ])('%s is refused by name with a 400 in OpenAI’s shape', (_what, fields, code, param) => {
    const refusal = refusalOf(() => chatCallOf({ model: 'assistant', messages: [user('Bonjour')], ...fields }, {}));
    expect(refusal).toEqual({ status: 400, body: { error: { message: expect.stringMatching(/supported/), type: 'invalid_request_error', param, code, request_id: 'r-1' } } });
  });

  test.each([
    ['no model', { messages: [user('x')] }, 'model'],
    ['a model name no runtime has', { model: 'a b', messages: [user('x')] }, 'model'],
    ['no messages', { model: 'm' }, 'messages'],
    ['an empty list of messages', { model: 'm', messages: [] }, 'messages'],
    ['an unknown role', { model: 'm', messages: [{ role: 'narrator', content: 'x' }] }, 'messages'],
    ['a message without content', { model: 'm', messages: [{ role: 'user' }] }, 'messages'],
    ['an unknown field of a message', { model: 'm', messages: [{ role: 'user', content: 'x', mood: 'calm' }] }, 'messages'],
    ['a temperature above 2', { model: 'm', messages: [user('x')], temperature: 3 }, 'temperature'],
    ['top_p of 0', { model: 'm', messages: [user('x')], top_p: 0 }, 'top_p'],
    ['max tokens of 0', { model: 'm', messages: [user('x')], max_tokens: 0 }, 'max_tokens'],
    ['two different max tokens', { model: 'm', messages: [user('x')], max_tokens: 5, max_completion_tokens: 6 }, 'max_tokens'],
    ['five stop sequences', { model: 'm', messages: [user('x')], stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop'],
    ['an empty stop sequence', { model: 'm', messages: [user('x')], stop: [''] }, 'stop'],
    ['a stop sequence over 64 characters', { model: 'm', messages: [user('x')], stop: ['x'.repeat(65)] }, 'stop'],
    ['a stop sequence that is not a string', { model: 'm', messages: [user('x')], stop: [42] }, 'stop'],
    ['stream options without a stream', { model: 'm', messages: [user('x')], stream_options: { include_usage: true } }, 'stream_options'],
    ['a stream that is not a boolean', { model: 'm', messages: [user('x')], stream: 'yes' }, 'stream'],
    ['a message over the limit', { model: 'm', messages: [user('x'.repeat(256 * 1024 + 1))] }, 'messages'],
  ])('%s is a 400 naming the field', (_what, body, param) => {
    const refusal = refusalOf(() => chatCallOf(body, {}));
    expect([refusal.status, refusal.body.error.param, refusal.body.error.code]).toEqual([400, param, 'validation_failed']);
  });

  test('a field OpenAI does not define is refused without being named', () => {
    const refusal = refusalOf(() => chatCallOf({ model: 'm', messages: [user('x')], camille_secret_field: true }, {}));
    expect(refusal.body.error).toMatchObject({ param: null, code: 'validation_failed' });
    expect(JSON.stringify(refusal)).not.toContain('camille');
  });

  test('hostile bodies: any JSON is a request the gateway accepts or a 400 that echoes none of it', () => {
    const MARK = 'ZQJ';
    const marked = fc.string({ maxLength: 12 }).map((text) => `${MARK}${text}`);
    const vocabulary = fc.constantFrom('user', 'assistant', 'system', 'developer', 'tool', 'text', 'image_url', 'refusal', 'none', 'auto', 'assistant');
    const keys = fc.oneof(
      fc.constantFrom('model', 'messages', 'role', 'content', 'type', 'text', 'stream', 'stream_options', 'include_usage', 'max_tokens', 'max_completion_tokens', 'temperature', 'top_p', 'stop', 'n', 'tools', 'user', 'name', 'refusal', 'seed', 'logprobs'),
      marked,
    );
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.constant(null),
        fc.boolean(),
        fc.oneof(fc.integer({ min: -3, max: 40_000 }), fc.double({ noNaN: true, noDefaultInfinity: true })),
        marked,
        vocabulary,
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(keys, tie('value'), { maxKeys: 5 }),
      ),
    })).value;
    const withExtra = (base: fc.Arbitrary<Record<string, unknown>>, maxKeys: number) => base.chain((fields) => fc.dictionary(keys, json, { maxKeys }).map((extra) => ({ ...extra, ...fields })));
    const part = fc.record({ type: fc.constantFrom('text', 'text', 'image_url'), text: marked });
    const nearlyValid = fc.record({
      model: fc.constantFrom('assistant', 'gardien-test:latest'),
      messages: fc.array(fc.record({ role: fc.constantFrom('user', 'system', 'developer', 'assistant', 'tool'), content: fc.oneof(marked, fc.array(part, { minLength: 1, maxLength: 2 })) }), { minLength: 1, maxLength: 3 }),
    });
    const bodies = fc.oneof(
      json,
      withExtra(fc.record({ model: fc.oneof(fc.constant('assistant'), json), messages: fc.array(fc.dictionary(keys, json, { maxKeys: 4 }), { maxLength: 3 }) }, { requiredKeys: [] }), 4),
      withExtra(nearlyValid, 1),
    );
    const seen = { accepted: 0, refused: 0 };
    fc.assert(
      fc.property(bodies, (body) => {
        let call;
        try {
          call = chatCallOf(body, {});
        } catch (error) {
          seen.refused += 1;
          expect(error).toBeInstanceOf(GardienError);
          const { code, reason, details } = error as GardienError;
          expect(code).toBe(ErrorCode.ValidationFailed);
          const { status, body: document } = openAiErrorOf({ code, reason, title: 'The request is not valid', requestId: 'r-1', errors: details });
          expect(status).toBe(400);
          expect(document.error).toEqual({ message: expect.any(String), type: 'invalid_request_error', param: document.error.param, code: expect.stringMatching(/^[a-z_]+$/), request_id: 'r-1' });
          expect(document.error.param === null || /^[a-z_]+$/.test(document.error.param)).toBe(true);
          expect(JSON.stringify({ document, details })).not.toContain(MARK);
          return;
        }
        seen.accepted += 1;
        expect(LlmChatRequest.safeParse(call.request).success).toBe(true);
      }),
      { numRuns: 3_000 },
    );
    // Both outcomes were reached: the bodies are not all refused at the first check.
    expect(seen.accepted).toBeGreaterThan(30);
    expect(seen.refused).toBeGreaterThan(30);
  });

  test('valid requests: any mix of roles and text parts translates message by message', () => {
    const role = fc.constantFrom('system', 'developer', 'user', 'assistant');
    const text = fc.string({ maxLength: 40 });
    const message = fc.record({ role, content: fc.oneof(text, fc.array(text.map((t) => ({ type: 'text', text: t })), { minLength: 1, maxLength: 3 })) });
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 6 }), fc.boolean(), (messages, stream) => {
        const { request } = chatCallOf({ model: 'assistant', messages, stream }, {});
        expect(request.messages).toEqual(
          messages.map(({ role: given, content }) => ({
            role: given === 'developer' ? 'system' : given,
            content: typeof content === 'string' ? content : content.map((part) => part.text).join('\n'),
          })),
        );
      }),
    );
  });
});

describe('X-Gardien-Purpose and X-Gardien-Subject', () => {
  const subject = '0b5e3f0c-5d1a-4c4e-8a7b-3f2d1c0e9a8b';
  test('a purpose id and a uuid, each once; anything else is a 400 naming the header, not its value', () => {
    expect(callHintsOf({ 'x-gardien-purpose': 'support', 'x-gardien-subject': subject }, ['X-Gardien-Purpose', 'support', 'X-Gardien-Subject', subject])).toEqual({ purpose: 'support', subject });
    expect(callHintsOf({}, [])).toEqual({});
    const refused: Array<[Record<string, string>, string[]]> = [
      [{ 'x-gardien-purpose': 'Camille Canari' }, ['X-Gardien-Purpose', 'Camille Canari']],
      [{ 'x-gardien-purpose': 'a, b' }, ['x-gardien-purpose', 'a', 'x-gardien-purpose', 'b']],
      [{ 'x-gardien-subject': 'camille@example.org' }, ['X-Gardien-Subject', 'camille@example.org']],
    ];
    for (const [headers, raw] of refused) {
      const refusal = refusalOf(() => callHintsOf(headers, raw));
      expect(refusal.body.error).toMatchObject({ code: 'invalid_gardien_header', param: expect.stringMatching(/^x-gardien-(purpose|subject)$/) });
      expect(JSON.stringify(refusal)).not.toMatch(/Camille|camille|a, b/);
    }
  });
});

describe('gateway answer -> OpenAI documents', () => {
  const reply: LlmChatReply = {
    id: CALL_ID,
    model: 'assistant',
    created: 1_764_700_000,
    content: 'Echo: Bonjour',
    finish_reason: 'length',
    usage: { prompt_tokens: 3, completion_tokens: 2 },
    flags: { injection: false, leaked: {}, invented_placeholders: 0 },
  };

  test('an answer given once is a chat.completion', () => {
    expect(chatCompletionOf(reply)).toEqual({
      id: `chatcmpl-${CALL_ID}`,
      object: 'chat.completion',
      created: 1_764_700_000,
      model: 'assistant',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Echo: Bonjour', refusal: null }, finish_reason: 'length', logprobs: null }],
      usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
    });
  });

  test('a retrieval-augmented answer carries the chunks’ ids, in the completion and on the first chunk of a stream', () => {
    const retrieved_chunks = [{ document_id: CALL_ID, chunk_id: CALL_ID, score: 0.5 }];
    expect(chatCompletionOf({ ...reply, retrieved_chunks })).toMatchObject({ object: 'chat.completion', retrieved_chunks });
    expect(chatCompletionOf(reply)).not.toHaveProperty('retrieved_chunks');
    const translator = new ChatChunkTranslator(false);
    expect(translator.chunksOf({ type: 'start', id: CALL_ID, model: 'assistant', created: 1, retrieved_chunks })[0]).toMatchObject({ retrieved_chunks, choices: [{ delta: { role: 'assistant' } }] });
  });

  const start: LlmChatChunk = { type: 'start', id: CALL_ID, model: 'assistant', created: 1_764_700_000 };
  const end = (completion: number): LlmChatChunk => ({ type: 'end', finish_reason: 'stop', usage: { prompt_tokens: 4, completion_tokens: completion }, flags: reply.flags });
  const head = { id: `chatcmpl-${CALL_ID}`, object: 'chat.completion.chunk', created: 1_764_700_000, model: 'assistant' };

  test('a stream: the role first, the pieces, the finish reason, the usage when asked, then [DONE]', async () => {
    async function* messages(): AsyncGenerator<LlmChatChunk> {
      yield start;
      yield { type: 'delta', content: 'Echo: ' };
      yield { type: 'delta', content: 'Bonjour' };
      yield end(2);
    }
    const texts: string[] = [];
    for await (const text of openAiChunkTexts(messages(), true)) texts.push(OPENAI_EVENT_STREAM.reply(text));
    expect(texts.join('') + OPENAI_EVENT_STREAM.end).toBe(
      [
        { ...head, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null, logprobs: null }], usage: null },
        { ...head, choices: [{ index: 0, delta: { content: 'Echo: ' }, finish_reason: null, logprobs: null }], usage: null },
        { ...head, choices: [{ index: 0, delta: { content: 'Bonjour' }, finish_reason: null, logprobs: null }], usage: null },
        { ...head, choices: [{ index: 0, delta: {}, finish_reason: 'stop', logprobs: null }], usage: null },
        { ...head, choices: [], usage: { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 } },
      ]
        .map(sseDataOf)
        .join('') + SSE_DONE,
    );
  });

  test('any cut of an answer streams to the same text, and no usage chunk unless asked', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 10 }), { maxLength: 8 }), fc.boolean(), (pieces, includeUsage) => {
        const translator = new ChatChunkTranslator(includeUsage);
        const chunks: OpenAiChatChunk[] = [start, ...pieces.map((content): LlmChatChunk => ({ type: 'delta', content })), end(pieces.length)].flatMap((chunk) => translator.chunksOf(chunk));
        translator.finish();
        expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(pieces.join(''));
        expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
        expect(chunks.filter((chunk) => chunk.choices[0]?.finish_reason)).toHaveLength(1);
        expect(chunks.filter((chunk) => chunk.choices.length === 0)).toHaveLength(includeUsage ? 1 : 0);
        expect(chunks.every((chunk) => ('usage' in chunk) === includeUsage)).toBe(true);
      }),
    );
  });

  test('messages out of order, or a stream that stops before its end, are not passed on as an answer', async () => {
    expect(() => new ChatChunkTranslator(false).chunksOf({ type: 'delta', content: 'x' })).toThrow(GardienError);
    const translator = new ChatChunkTranslator(false);
    translator.chunksOf(start);
    expect(() => translator.chunksOf(start)).toThrow(GardienError);
    translator.chunksOf(end(0));
    expect(() => translator.chunksOf({ type: 'delta', content: 'x' })).toThrow(GardienError);
    async function* cut(): AsyncGenerator<LlmChatChunk> {
      yield start;
      yield { type: 'delta', content: 'Echo' };
    }
    const texts: string[] = [];
    await expect(
      (async () => {
        for await (const text of openAiChunkTexts(cut(), false)) texts.push(text);
      })(),
    ).rejects.toMatchObject({ code: ErrorCode.Internal });
    expect(texts).toHaveLength(2);
  });

  test('an error once the stream has started is a data line in OpenAI’s error shape, which openai-node throws', () => {
    const text = OPENAI_EVENT_STREAM.error({ code: ErrorCode.RateLimited, reason: 'quota_exceeded', title: 'Too many requests', status: 429 }, 'r-2');
    expect(text).toBe(`data: ${JSON.stringify({ error: { message: 'Too many requests', type: 'rate_limit_error', param: null, code: 'quota_exceeded', request_id: 'r-2' } })}\n\n`);
  });
});
