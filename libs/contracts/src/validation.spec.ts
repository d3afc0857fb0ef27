import { z } from 'zod';
import { ErrorCode, GardienError } from './errors.js';
import { parsePayload } from './validation.js';

const Schema = z.object({ email: z.string().email(), age: z.number().int().max(150) }).strict();

test('a valid payload is returned typed', () => {
  expect(parsePayload(Schema, { email: 'a@b.fr', age: 3 })).toEqual({ email: 'a@b.fr', age: 3 });
});

test('an invalid payload names paths and reasons, never the values', () => {
  const secret = 'jean.dupont@exemple.fr';
  let caught: unknown;
  try {
    parsePayload(Schema, { email: 'not-an-email', age: 999, extra: secret });
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(GardienError);
  const error = caught as GardienError;
  expect(error.code).toBe(ErrorCode.ValidationFailed);
  expect(error.details?.map((d) => d.path).sort()).toEqual(['payload', 'payload.age', 'payload.email']);
  expect(JSON.stringify(error.toEnvelope())).not.toContain(secret);
  expect(JSON.stringify(error.toEnvelope())).not.toContain('not-an-email');
});

test('keys that come from the input are not echoed in error paths', () => {
  const Scores = z.record(z.string(), z.number());
  let caught: GardienError | undefined;
  try {
    parsePayload(Scores, { 'jean.dupont@exemple.fr': 'not a number' });
  } catch (error) {
    caught = error as GardienError;
  }
  expect(caught?.details).toEqual([{ path: 'payload.*', reason: 'invalid_type' }]);
});
