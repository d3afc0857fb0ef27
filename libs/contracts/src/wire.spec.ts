import { ErrorCode, GardienError } from './errors.js';
import { decodeReply, decodeRequest, encodeReply, encodeRequest } from './wire.js';

test('a request is a Nest packet with the subject as pattern and a fresh id', () => {
  const a = JSON.parse(encodeRequest('gardien.v1.auth.health', { x: 1 }));
  const b = JSON.parse(encodeRequest('gardien.v1.auth.health', { x: 1 }));
  expect(a).toEqual({ pattern: 'gardien.v1.auth.health', data: { x: 1 }, id: expect.any(String) });
  expect(a.id).not.toBe(b.id);
});

test('a reply yields its response', () => {
  expect(decodeReply(JSON.stringify({ id: '1', response: { ok: true }, isDisposed: true }))).toEqual({ ok: true });
});

test('an error reply is thrown as the GardienError of its envelope', () => {
  const raw = JSON.stringify({ id: '1', err: { code: 'FORBIDDEN', message: 'no' }, isDisposed: true });
  expect(() => decodeReply(raw)).toThrow(GardienError);
  try {
    decodeReply(raw);
  } catch (error) {
    expect((error as GardienError).code).toBe(ErrorCode.Forbidden);
  }
});

test('foreign error replies and malformed replies become typed errors', () => {
  const noHandler = JSON.stringify({ id: '1', err: 'There is no matching message handler defined in the remote service.' });
  expect(() => decodeReply(noHandler)).toThrow(expect.objectContaining({ code: ErrorCode.NotFound }));
  expect(() => decodeReply(JSON.stringify({ err: { status: 'error', message: 'boom' } }))).toThrow(expect.objectContaining({ code: ErrorCode.Internal }));
  expect(() => decodeReply('not json')).toThrow(expect.objectContaining({ code: ErrorCode.Internal }));
});

test('a raw request decodes to its packet; anything else to undefined', () => {
  const packet = decodeRequest(encodeRequest('gardien.v1.auth.bootstrap', { a: 1 }));
  expect(packet).toMatchObject({ pattern: 'gardien.v1.auth.bootstrap', data: { a: 1 }, id: expect.any(String) });
  expect(decodeRequest('not json')).toBeUndefined();
  expect(decodeRequest('{"pattern":"x"}')).toBeUndefined();
  expect(decodeRequest('{"id":"1"}')).toBeUndefined();
});

test('replies written by encodeReply read back as their response or their error', () => {
  expect(decodeReply(encodeReply('1', { response: { ok: true } }))).toEqual({ ok: true });
  expect(() => decodeReply(encodeReply('1', { err: { code: ErrorCode.Forbidden, message: 'no' } }))).toThrow(expect.objectContaining({ code: ErrorCode.Forbidden }));
});
