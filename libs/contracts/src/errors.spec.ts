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
