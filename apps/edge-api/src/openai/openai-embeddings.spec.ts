// The OpenAI embeddings translation on its own: the request as the SDKs send it (openai-node asks
// for base64 unless told otherwise), token arrays and dimensions refused, and the answer in floats
// or in base64 read back to the same float32 values (as openai-node reads it: a Float32Array over
// the decoded bytes; the SDK itself reads it in openai-chat.int-spec.ts).
import fc from 'fast-check';
import { ErrorCode, GardienError, LlmEmbeddingsRequest } from '@gardien/contracts';
import { base64OfFloat32, embeddingListOf, embeddingsCallOf } from './openai-embeddings.js';

/** openai-node's toFloat32Array: the bytes as float32 in the machine's order (little-endian here, checked below). */
function toFloat32Array(base64: string): Float32Array {
  const bytes = Buffer.from(base64, 'base64');
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / Float32Array.BYTES_PER_ELEMENT);
}

function errorOf(work: () => unknown): GardienError {
  try {
    work();
  } catch (error) {
    if (error instanceof GardienError) return error;
    throw error;
  }
  throw new Error('not refused');
}

test('a text or texts, the encoding asked (float by default, as OpenAI’s API), the purpose from the headers; user ignored', () => {
  expect(embeddingsCallOf({ model: 'assistant', input: 'Bonjour', encoding_format: 'base64', user: 'u-1' }, { purpose: 'support' })).toEqual({
    request: { model: 'assistant', input: ['Bonjour'], purpose: 'support' },
    encoding: 'base64',
  });
  expect(embeddingsCallOf({ model: 'assistant', input: ['a', 'b'], dimensions: null }, {})).toEqual({ request: { model: 'assistant', input: ['a', 'b'] }, encoding: 'float' });
});

test.each([
  ['token arrays', { input: [1, 2, 3] }, 'unsupported_content'],
  ['arrays of token arrays', { input: [[1, 2], [3]] }, 'unsupported_content'],
  ['shortened vectors', { input: 'x', dimensions: 256 }, 'unsupported_parameter'],
])('%s are refused by name', (_what, fields, reason) => {
  const error = errorOf(() => embeddingsCallOf({ model: 'assistant', ...fields }, {}));
  expect([error.code, error.reason, error.details?.[0]?.path]).toEqual([ErrorCode.ValidationFailed, reason, `body.${Object.keys(fields).at(-1)}`]);
});

test.each([
  ['no input', { model: 'assistant' }, 'body.input'],
  ['an empty list', { model: 'assistant', input: [] }, 'body.input'],
  ['an unknown encoding', { model: 'assistant', input: 'x', encoding_format: 'int8' }, 'body.encoding_format'],
  ['mixed inputs', { model: 'assistant', input: ['x', 1] }, 'body.input'],
  ['an unknown field', { model: 'assistant', input: 'x', camille: 1 }, 'body'],
])('%s is a 400 at the field', (_what, body, path) => {
  const error = errorOf(() => embeddingsCallOf(body, {}));
  expect([error.code, error.details?.[0]?.path]).toEqual([ErrorCode.ValidationFailed, path]);
  expect(JSON.stringify(error.details)).not.toContain('camille');
});

test('any JSON body translates to a request the gateway accepts or is a validation error', () => {
  fc.assert(
    fc.property(fc.oneof(fc.jsonValue(), fc.record({ model: fc.constant('assistant'), input: fc.jsonValue() }), fc.dictionary(fc.constantFrom('model', 'input', 'encoding_format', 'user', 'dimensions'), fc.jsonValue())), (body) => {
      try {
        expect(LlmEmbeddingsRequest.safeParse(embeddingsCallOf(body, {}).request).success).toBe(true);
      } catch (error) {
        expect((error as GardienError).code).toBe(ErrorCode.ValidationFailed);
      }
    }),
  );
});

test('base64 is float32, little-endian, value after value: 1.0 is 00 00 80 3f', () => {
  expect(Buffer.from(base64OfFloat32([1]), 'base64')).toEqual(Buffer.from([0x00, 0x00, 0x80, 0x3f]));
  expect(base64OfFloat32([])).toBe('');
});

test('read back as openai-node reads it, the base64 is the float32 of each value', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { maxLength: 64 }), (vector) => {
      expect(Array.from(toFloat32Array(base64OfFloat32(vector)))).toEqual(vector.map((value) => Math.fround(value)));
    }),
  );
});

test('the answer in OpenAI’s list format, in the encoding asked', () => {
  const reply = { model: 'assistant', embeddings: [[0.5, -0.25], [1, 0]], usage: { prompt_tokens: 4 } };
  expect(embeddingListOf(reply, 'float')).toEqual({
    object: 'list',
    data: [
      { object: 'embedding', index: 0, embedding: [0.5, -0.25] },
      { object: 'embedding', index: 1, embedding: [1, 0] },
    ],
    model: 'assistant',
    usage: { prompt_tokens: 4, total_tokens: 4 },
  });
  expect(embeddingListOf(reply, 'base64').data.map((item) => Array.from(toFloat32Array(item.embedding as string)))).toEqual(reply.embeddings);
});
