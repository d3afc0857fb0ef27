import { ErrorCode, GardienError, isErrorEnvelope, toErrorEnvelope } from './errors.js';

test('a GardienError becomes its envelope and back', () => {
  const error = new GardienError(ErrorCode.ValidationFailed, 'the request is not valid', [{ path: 'payload.email', reason: 'invalid_format' }]);
  const envelope = error.toEnvelope();
  expect(envelope).toEqual({ code: 'VALIDATION_FAILED', message: 'the request is not valid', details: [{ path: 'payload.email', reason: 'invalid_format' }] });
  const back = GardienError.fromEnvelope(envelope);
  expect(back).toBeInstanceOf(GardienError);
  expect(back.code).toBe(ErrorCode.ValidationFailed);
});

test('an unknown error becomes INTERNAL and says nothing of its message', () => {
  const envelope = toErrorEnvelope(new Error('duplicate key (email)=(jean@example.fr)'));
  expect(envelope).toEqual({ code: 'INTERNAL', message: 'internal error' });
  expect(toErrorEnvelope('a string')).toEqual({ code: 'INTERNAL', message: 'internal error' });
});

test('only objects with a known code are envelopes', () => {
  expect(isErrorEnvelope({ code: 'NOT_FOUND', message: 'x' })).toBe(true);
  expect(isErrorEnvelope({ code: 'TEAPOT', message: 'x' })).toBe(false);
  expect(isErrorEnvelope({ code: 'NOT_FOUND' })).toBe(false);
  expect(isErrorEnvelope(null)).toBe(false);
});

test('a reason and a retry delay travel with the envelope', () => {
  const error = new GardienError(ErrorCode.RateLimited, 'too many failed attempts', undefined, { reason: 'account_locked', retryAfterSeconds: 899.2 });
  const envelope = error.toEnvelope();
  expect(envelope).toEqual({ code: 'RATE_LIMITED', reason: 'account_locked', message: 'too many failed attempts', retryAfterSeconds: 900 });
  const back = GardienError.fromEnvelope(envelope);
  expect([back.reason, back.retryAfterSeconds]).toEqual(['account_locked', 900]);
});

test('a reason that is not one of our names, or a senseless delay, is dropped', () => {
  for (const reason of ['Jean Dupont', 'jean@example.fr', 'a', 'x'.repeat(80), 'bad-reason']) {
    expect(new GardienError(ErrorCode.Forbidden, 'no', undefined, { reason }).toEnvelope()).toEqual({ code: 'FORBIDDEN', message: 'no' });
  }
  for (const retryAfterSeconds of [0, -3, Number.NaN, Number.POSITIVE_INFINITY]) {
    expect(new GardienError(ErrorCode.RateLimited, 'no', undefined, { retryAfterSeconds }).retryAfterSeconds).toBeUndefined();
  }
  expect(new GardienError(ErrorCode.RateLimited, 'no', undefined, { retryAfterSeconds: 1e9 }).retryAfterSeconds).toBe(86_400);
});

test('an envelope received from the bus is cleaned like a thrown error', () => {
  expect(toErrorEnvelope({ code: 'FORBIDDEN', message: 'no', reason: 'jean@example.fr', retryAfterSeconds: -1 })).toEqual({ code: 'FORBIDDEN', message: 'no' });
});

test('an INTERNAL error carries no reason, even one a service sent', () => {
  expect(toErrorEnvelope({ code: 'INTERNAL', message: 'internal error', reason: 'decryption_failed' })).toEqual({ code: 'INTERNAL', message: 'internal error' });
});
