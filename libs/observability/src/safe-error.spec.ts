import { ErrorCode, GardienError } from '@gardien/contracts';
import { safeError } from './safe-error.js';

test('foreign error messages are dropped: they may quote their input', () => {
  let parseError: unknown;
  try {
    JSON.parse('{"email": "jean.dupont@exemple.fr", oops}');
  } catch (error) {
    parseError = error;
  }
  const fields = safeError(parseError);
  expect(fields.type).toBe('SyntaxError');
  expect(fields.message).toBeUndefined();
  expect(JSON.stringify(fields)).not.toContain('jean.dupont');
  expect(fields.frames?.length).toBeGreaterThan(0);
});

test('our own errors keep their code and message', () => {
  expect(safeError(new GardienError(ErrorCode.NotFound, 'no such service'))).toEqual({
    type: 'GardienError',
    code: 'NOT_FOUND',
    message: 'no such service',
  });
});

test('database error codes are kept, details are not', () => {
  const error = Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505', detail: 'Key (email)=(a@b.fr)' });
  expect(safeError(error)).toEqual({ type: 'Error', code: '23505', frames: expect.any(Array) });
  expect(safeError('text')).toEqual({ type: 'string' });
});

test('fields already made safe pass through the logger serializer unchanged', () => {
  const once = safeError(new GardienError(ErrorCode.Conflict, 'exists'));
  expect(safeError(once)).toBe(once);
  expect(safeError({ type: 'Error', message: 'forged' })).toEqual({ type: 'object' });
});
